"""Where report data comes from: JSON/YAML files, the Excel form, finished reports (.docx), last year's data."""
