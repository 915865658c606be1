"""Outcomes in public data: NHS Staff Survey results per organisation, the ARF status register,
and the difference-in-differences of the ARF awards."""
