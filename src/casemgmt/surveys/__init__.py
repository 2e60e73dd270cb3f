"""Satisfaction surveys (tevredenheidsmetingen) following the seed's questionnaire (Bijlage 1): the answer codes and
their Dutch labels (``questionnaire``), the survey CSV/JSON contract (``csv_format``), and the import built on them."""
