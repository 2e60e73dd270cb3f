"""The bare endpoint the benchmark compares throughput against: Litestar, no middleware, no database."""

from litestar import Litestar, get


@get("/", media_type="text/plain")
async def index() -> str:
    return "ok"


app = Litestar(route_handlers=[index])
