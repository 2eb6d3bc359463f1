"""Charts: ``build_<chart>_figure(data) -> matplotlib Figure``, with no Qt and no pyplot."""
