def render_html(summary) -> str:
    return "<html></html>"
