"""Whether a new password is acceptable (PRODUCT 7.1): 8+ characters, not the login, not a common password."""

from __future__ import annotations

from mess.errors import ErrorCode, InvalidInput

MIN_LENGTH = 8
# The most used passwords of public breach lists that are 8+ characters (shorter ones fail on length anyway).
COMMON = frozenset(
    [
        "password",
        "password1",
        "password123",
        "passw0rd",
        "12345678",
        "123456789",
        "1234567890",
        "12345678910",
        "qwerty123",
        "qwertyuiop",
        "11111111",
        "00000000",
        "88888888",
        "87654321",
        "abcd1234",
        "abc12345",
        "1q2w3e4r",
        "1qaz2wsx",
        "zaq12wsx",
        "iloveyou",
        "sunshine",
        "princess",
        "football",
        "baseball",
        "welcome1",
        "welcome123",
        "admin123",
        "administrator",
        "letmein1",
        "trustno1",
        "superman",
        "batman123",
        "starwars",
        "whatever",
        "computer",
        "internet",
        "michael1",
        "jennifer",
        "charlie1",
        "dragon123",
        "monkey123",
        "shadow12",
        "master12",
        "freedom1",
        "qwerty12",
        "q1w2e3r4",
        "asdfghjk",
        "asdf1234",
        "zxcvbnm1",
        "changeme",
        "changeme1",
        "secret123",
        "india123",
        "hostel123",
        "mess1234",
        "student1",
        "student123",
        "college1",
        "college123",
        "p@ssw0rd",
        "p@ssword",
        "pa55word",
    ]
)


def check_new_password(password: str, login: str) -> None:
    lowered = password.lower()
    if len(password) < MIN_LENGTH:
        raise InvalidInput(
            f"the new password is too short: use at least {MIN_LENGTH} characters", ErrorCode.WEAK_PASSWORD
        )
    if lowered == login.strip().lower():
        raise InvalidInput("the new password cannot be your login or roll number", ErrorCode.WEAK_PASSWORD)
    if lowered in COMMON or len(set(lowered)) < 3:
        raise InvalidInput("that password is too common and easy to guess; choose another", ErrorCode.WEAK_PASSWORD)
