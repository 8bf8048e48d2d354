#!/usr/bin/env python3
"""A minimal peer of grocery's walmart channel in Python, for benchmark comparisons.

Same wire protocol as `grocery serve` (DESIGN §4): hello -> welcome, nlp.query -> ack +
nlp.result, ping -> pong. Its NLP is deliberately small (a number, then the first
catalog product whose name contains the last word), so it does less work per query
than grocery's parser: a comparison against it flatters the peer, not us.

    pip install websockets
    python3 Benchmarks/peers/walmart_peer.py --port 4001 [--catalog Resources/catalog.json]
"""
import argparse
import asyncio
import json
import re
import uuid

import websockets


def load_catalog(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)["products"]


def parse(text, products):
    words = re.findall(r"[a-z0-9%]+", text.lower())
    quantity = next((float(w) for w in words if w.isdigit()), 1.0)
    intent = "add" if words and words[0] in ("add", "get", "buy") else "unknown"
    product = None
    if words:
        last = words[-1].rstrip("s")
        for candidate in products:
            if last in candidate["name"].lower():
                product = {k: candidate[k] for k in ("id", "name", "price", "size", "category")}
                break
    items = [{"phrase": words[-1] if words else "", "quantity": quantity, "unit": "each",
              "product": product, "alternatives": []}] if product else []
    return {"text": text, "intent": intent, "confidence": 0.9 if product else 0.2,
            "items": items, "filters": {}}


async def serve(websocket, products):
    async for frame in websocket:
        try:
            message = json.loads(frame)
        except ValueError:
            await websocket.send(json.dumps({"type": "error", "id": None, "code": "bad_json", "message": "bad json"}))
            continue
        kind = message.get("type")
        if kind == "hello":
            await websocket.send(json.dumps({"type": "welcome", "sessionId": message.get("sessionId") or str(uuid.uuid4()),
                                             "resumed": False, "heartbeatMs": 30000}))
        elif kind == "nlp.query":
            await websocket.send(json.dumps({"type": "ack", "id": message["id"]}))
            await websocket.send(json.dumps({"type": "nlp.result", "id": message["id"],
                                             "result": parse(message.get("text", ""), products)}))
        elif kind == "ping":
            await websocket.send(json.dumps({"type": "pong", "ts": message.get("ts", 0)}))
        else:
            await websocket.send(json.dumps({"type": "error", "id": message.get("id"), "code": "unknown_type", "message": kind}))


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4001)
    parser.add_argument("--catalog", default="Resources/catalog.json")
    args = parser.parse_args()
    products = load_catalog(args.catalog)
    async with websockets.serve(lambda ws: serve(ws, products), args.host, args.port,
                                compression=None, max_size=64 * 1024):
        print(f"walmart peer listening: ws://{args.host}:{args.port}/ws/walmart", flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main())
