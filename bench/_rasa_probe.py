"""Run with the Rasa environment's Python (.venv-rasa/bin/python), by bench/cold_start.py: times the stages of what
``rasa run`` does before it can answer, in one process, and prints them as JSON on the last line of stdout.

    .venv-rasa/bin/python bench/_rasa_probe.py MODEL.tar.gz ENDPOINTS.yml

Stages (each excludes the ones before): importing the ``rasa`` entry point (``rasa.__main__``), importing the
server modules ``rasa run`` uses (rasa.core.run, rasa.server, rasa.core.agent), loading the model into an agent
(``rasa.core.agent.load_agent``, what ``rasa run`` awaits before it listens), the first parse and a second parse.
Also says which stage first pulled in TensorFlow.
"""

import json
import sys
import time

T_START = time.perf_counter()


def tf_loaded() -> bool:
    return "tensorflow" in sys.modules


def main() -> None:
    model, endpoints_file = sys.argv[1], sys.argv[2]
    stages = {}
    tf_first = None

    def stage(name, fn):
        nonlocal tf_first
        t = time.perf_counter()
        out = fn()
        stages[name] = round(time.perf_counter() - t, 3)
        if tf_first is None and tf_loaded():
            tf_first = name
        return out

    stage("import rasa entry point (rasa.__main__)", lambda: __import__("rasa.__main__"))

    def import_server():
        import rasa.core.agent
        import rasa.core.run
        import rasa.server  # noqa: F401

    stage("import server modules (rasa.core.run, rasa.server)", import_server)

    import asyncio

    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints

    loop = asyncio.new_event_loop()
    endpoints = AvailableEndpoints.read_endpoints(endpoints_file)
    agent = stage(
        "load model (load_agent)", lambda: loop.run_until_complete(load_agent(model_path=model, endpoints=endpoints))
    )
    stage("first parse", lambda: loop.run_until_complete(agent.parse_message("hi")))
    stage("second parse", lambda: loop.run_until_complete(agent.parse_message("有人说我涉嫌洗钱")))
    result = {
        "stages_s": stages,
        "in_process_total_s": round(time.perf_counter() - T_START, 3),
        "tensorflow_first_imported_by": tf_first,
        "tensorflow_loaded_at_end": tf_loaded(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
