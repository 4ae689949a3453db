from django.apps import AppConfig


class EboxSimulatorConfig(AppConfig):
    name = "simulators.ebox"
    label = "ebox_simulator"
    verbose_name = "Simulateur eBox"
