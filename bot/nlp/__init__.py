"""The spaCy pipeline the project builds itself, the crisis safety rules and PII redaction."""
