"""Page and e-mail templates (Jinja2), shipped inside the package as ``feedsvc.templates``."""
