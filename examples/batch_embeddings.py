# Embed a corpus in parallel: a GPU class loads the model once per container, .map fans out batches.
#
#   modal run batch_embeddings.py --limit 2000

import modal

MODEL_ID = "BAAI/bge-small-en-v1.5"
BATCH_SIZE = 256

image = modal.Image.debian_slim(python_version="3.12").uv_pip_install(
    "sentence-transformers==4.1.0", "datasets==3.6.0", "numpy"
)

with image.imports():
    import numpy as np
    from sentence_transformers import SentenceTransformer

app = modal.App("example-batch-embeddings", image=image)
results = modal.Volume.from_name("embedding-results", create_if_missing=True)


@app.cls(gpu="L4", max_containers=8, scaledown_window=120, timeout=30 * 60)
class Embedder:
    @modal.enter()
    def load(self):
        self.model = SentenceTransformer(MODEL_ID, device="cuda")

    @modal.method()
    def embed(self, texts: list[str]) -> list[list[float]]:
        vectors = self.model.encode(texts, batch_size=64, normalize_embeddings=True)
        return vectors.astype(np.float32).tolist()


@app.function(timeout=10 * 60)
def load_corpus(limit: int) -> list[str]:
    from datasets import load_dataset

    rows = load_dataset("ag_news", split="train").select(range(limit))
    return [row["text"] for row in rows]


@app.function(volumes={"/results": results}, timeout=10 * 60)
def save(vectors: list[list[float]], name: str) -> str:
    import numpy as np

    path = f"/results/{name}.npy"
    np.save(path, np.asarray(vectors, dtype=np.float32))
    results.commit()
    return path


def batched(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


@app.local_entrypoint()
def main(limit: int = 1000, name: str = "ag-news"):
    texts = load_corpus.remote(limit)
    embedder = Embedder()
    vectors: list[list[float]] = []
    for chunk in embedder.embed.map(batched(texts, BATCH_SIZE)):
        vectors.extend(chunk)
    print(f"embedded {len(vectors)} texts; saved to", save.remote(vectors, name))
