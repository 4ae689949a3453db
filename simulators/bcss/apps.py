from django.apps import AppConfig


class BcssSimulatorConfig(AppConfig):
    name = "simulators.bcss"
    label = "bcss_simulator"
    verbose_name = "Simulateur BCSS"
