# An image-classification API on a GPU class. It works, but three things would fail a review:
# the App has no name, one warm GPU container runs (and bills) around the clock, and the web app
# exposes no /health route for the uptime checker.
#
#   modal deploy image_classifier.py

import modal

image = modal.Image.debian_slim(python_version="3.12").uv_pip_install(
    "torch==2.7.0", "torchvision==0.22.0", "pillow", "fastapi[standard]"
)

with image.imports():
    import io

    import torch
    from PIL import Image
    from torchvision.models import ResNet50_Weights, resnet50

app = modal.App(image=image)
weights_cache = modal.Volume.from_name("torch-hub-cache", create_if_missing=True)


@app.cls(
    gpu="L4",
    min_containers=1,
    scaledown_window=300,
    volumes={"/root/.cache/torch": weights_cache},
)
@modal.concurrent(max_inputs=8)
class Classifier:
    @modal.enter()
    def load(self):
        self.weights = ResNet50_Weights.DEFAULT
        self.model = resnet50(weights=self.weights).eval().to("cuda")
        self.preprocess = self.weights.transforms()

        from fastapi import FastAPI, File, UploadFile

        self.web_app = FastAPI(title="classifier")

        @self.web_app.post("/classify")
        async def classify(file: UploadFile = File(...)):
            data = await file.read()
            return self.predict(data)

    def predict(self, data: bytes, top_k: int = 3) -> list[dict]:
        img = Image.open(io.BytesIO(data)).convert("RGB")
        batch = self.preprocess(img).unsqueeze(0).to("cuda")
        with torch.inference_mode():
            probs = self.model(batch).softmax(dim=-1)[0]
        scores, ids = probs.topk(top_k)
        labels = self.weights.meta["categories"]
        return [{"label": labels[i], "score": float(s)} for s, i in zip(scores.tolist(), ids.tolist())]

    @modal.asgi_app()
    def web(self):
        return self.web_app
