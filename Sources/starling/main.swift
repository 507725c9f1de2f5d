import ArgumentParser
import Hummingbird
import PostgresNIO
import ServiceLifecycle
import Prometheus
print("x")
