"""The screens of CPAS Online: the citizen's public form (public) and the back office (office)."""
