"""The rules of Pause's public channels, free of Rasa and Sanic: what a posted message must look
like, the per-sender rate limit, the web widget's origins and browser policy, and how Microsoft
Teams requests are proven genuine and replies addressed.

The Rasa input channels that apply these rules are adapters in components/channels/.
"""
