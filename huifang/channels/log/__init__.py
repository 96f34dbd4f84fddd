"""The demo channel: writes the message to the log and calls it sent."""
