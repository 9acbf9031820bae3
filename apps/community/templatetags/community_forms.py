"""`{{ form.kind|big_radios }}`: a choice field as big radio buttons (the feedback form's format),
drawn in Python (apps/community/markup.py) instead of a template and a widget render per option."""

from django import template

from apps.community.markup import big_radios_html

register = template.Library()
register.filter("big_radios", big_radios_html)
