def login_username(request, credentials=None):
    """The e-mail a login attempt was made for, as django-axes counts failures.

    Lower-cased, so that "Ivanova@school.ru" and "ivanova@school.ru" share one
    counter (logins are case-insensitive).
    """
    value = (credentials or {}).get("username") or (credentials or {}).get("email")
    if not value and request is not None:
        value = request.POST.get("username")
    return (value or "").strip().lower() or None
