"""The demo's drivers: names and mobile numbers as the region's people have them. Numbered, not drawn, so that
naming a driver takes nothing from a scenario's random stream; a run's own block of numbers keeps one demo
run's drivers apart from an earlier run's in the console."""

FIRST_NAMES = {
    "helsinki": ("Aino", "Mikko", "Sofia", "Juha", "Emma", "Pekka", "Natalia", "Olli", "Laura", "Sergei", "Venla",
                 "Antti"),
    "liechtenstein": ("Anna", "Lukas", "Sarah", "Marco", "Julia", "Simon", "Nina", "Patrick", "Lea", "Daniel",
                      "Sandra", "Thomas"),
}  # fmt: skip
SURNAMES = {
    "helsinki": ("Virtanen", "Korhonen", "Nieminen", "Mäkinen", "Hämäläinen", "Laine", "Koskinen", "Heikkinen",
                 "Järvinen", "Lehtonen", "Saarinen", "Salminen", "Tuominen"),
    "liechtenstein": ("Büchel", "Frommelt", "Kaiser", "Marxer", "Ospelt", "Vogt", "Wohlwend", "Beck", "Hasler",
                      "Negele", "Batliner", "Kieber", "Matt"),
}  # fmt: skip


def driver_name(region: str | None, number: int) -> str:
    """Every first name with every surname before any pair comes again (the two lists' lengths are coprime)."""
    first, last = (
        FIRST_NAMES.get(region or "", FIRST_NAMES["helsinki"]),
        SURNAMES.get(region or "", SURNAMES["helsinki"]),
    )
    return f"{first[number % len(first)]} {last[number % len(last)]}"


def mobile_number(region: str | None, number: int) -> str:
    """A mobile number in the region's own format: +423 7xx xx xx in Liechtenstein, +358 40 xxx xxxx in Finland."""
    if region == "liechtenstein":
        digits = f"7{number % 1_000_000:06d}"
        return f"+423 {digits[:3]} {digits[3:5]} {digits[5:]}"
    digits = f"{number % 10_000_000:07d}"
    return f"+358 40 {digits[:3]} {digits[3:]}"
