"""Check-ins at the counter: by roll number or a short-lived signed QR token; every attempt is recorded."""
