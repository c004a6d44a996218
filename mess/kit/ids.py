"""Ids are 32-bit integers in the database: a larger one from a client is invalid input (422), never an overflow."""

MAX_ID = 2_147_483_647
