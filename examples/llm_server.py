# Serve an OpenAI-compatible LLM with vLLM behind Modal's class-level HTTP server.
#
#   modal deploy llm_server.py
#
# The server process is started in @modal.enter(); Modal routes HTTP traffic to PORT.

import subprocess

import modal

MODEL_NAME = "Qwen/Qwen3-8B"
MODEL_REVISION = "main"
PORT = 8000
GPU = "H100"
MIN_CONTAINERS = 0  # set to 1 in production to keep one replica warm
MINUTES = 60

vllm_image = (
    modal.Image.from_registry("nvidia/cuda:12.8.1-devel-ubuntu24.04", add_python="3.12")
    .entrypoint([])
    .uv_pip_install("vllm==0.11.0", "huggingface-hub[hf_transfer]")
    .env({"HF_HUB_ENABLE_HF_TRANSFER": "1"})
)

hf_cache = modal.Volume.from_name("huggingface-cache", create_if_missing=True)
vllm_cache = modal.Volume.from_name("vllm-cache", create_if_missing=True)

app = modal.App("example-llm-server")


@app.server(
    image=vllm_image,
    gpu=GPU,
    port=PORT,
    min_containers=MIN_CONTAINERS,
    max_containers=4,
    target_concurrency=32,
    scaledown_window=15 * MINUTES,
    startup_timeout=20 * MINUTES,
    volumes={"/root/.cache/huggingface": hf_cache, "/root/.cache/vllm": vllm_cache},
    secrets=[modal.Secret.from_name("huggingface-secret")],
)
class VLLMServer:
    @modal.enter()
    def start(self):
        cmd = [
            "vllm",
            "serve",
            MODEL_NAME,
            "--revision",
            MODEL_REVISION,
            "--served-model-name",
            "llm",
            "--host",
            "0.0.0.0",
            "--port",
            str(PORT),
            "--max-model-len",
            "16384",
        ]
        print("starting:", " ".join(cmd))
        self.proc = subprocess.Popen(cmd)

    @modal.exit()
    def stop(self):
        self.proc.terminate()


@app.local_entrypoint()
def smoke_test(prompt: str = "Say hello in five words."):
    import json
    import urllib.request

    url = VLLMServer.get_url()
    body = json.dumps({"model": "llm", "messages": [{"role": "user", "content": prompt}]})
    request = urllib.request.Request(
        f"{url}/v1/chat/completions",
        data=body.encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10 * MINUTES) as response:
        print(json.load(response)["choices"][0]["message"]["content"])
