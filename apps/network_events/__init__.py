"""Seminars, coaching sessions, webinars and open lessons of the network:
invitations, registration with a waiting list, attendance."""
