"""Turn an executed briefing notebook into HTML, PDF/UA and an accessible spreadsheet."""
