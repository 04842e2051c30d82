"""The trainer's terminal player: replays a demo scenario against a running Pause over REST.

``client``: the REST channel, as any client sees it. ``screen``: projector-friendly output.
``player``: puts the conversation in demo mode, then plays the scenario's turns one by one.
"""
