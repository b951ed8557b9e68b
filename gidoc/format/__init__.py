"""What a report is: the official labels, the three tables declared once, the data models and their JSON Schema."""
