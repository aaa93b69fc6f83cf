from programs import access


def scope(request):
    """What every template needs to know about the user's reach."""
    user = getattr(request, "user", None)
    return {
        "user_is_national": access.is_national(user),
        "user_is_admin": access.is_admin(user),
    }
