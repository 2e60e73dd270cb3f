"""The web layer shared by every concept: security headers, error pages, page-or-fragment rendering, assets."""
