"""The simulated eBox's screens and API endpoints: what simulators/ebox/urls.py routes to."""
