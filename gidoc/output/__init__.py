"""What gidoc writes: the template context, the Word document, PDF through LibreOffice, files written atomically."""
