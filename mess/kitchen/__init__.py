"""The kitchen plan: what to cook for a meal, from its expected plates and its dishes' portions (PRODUCT 7.5)."""
