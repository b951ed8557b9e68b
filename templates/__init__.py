"""Package data: the Word template(s) gidoc ships (``report.docx``) and the script that builds them."""
