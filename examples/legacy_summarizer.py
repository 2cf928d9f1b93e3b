# A summarization service written against Modal 0.6x, before the 1.0 renames.
# `modal-lint --fix examples/legacy_summarizer.py` applies the safe renames;
# `--unsafe-fixes` also turns the eager lookup into a lazy `from_name`.
import modal

stub = modal.Stub("text-summarizer")

image = modal.Image.debian_slim(python_version="3.12").pip_install("transformers", "torch")

tokenizer_store = modal.Dict.lookup("summarizer-tokenizers")


@stub.function(
    image=image,
    gpu="T4",
    secret=modal.Secret.from_name("huggingface-token"),
    container_idle_timeout=120,
    concurrency_limit=4,
)
def summarize(text: str) -> str:
    from transformers import pipeline

    summarizer = pipeline("summarization", model="sshleifer/distilbart-cnn-12-6", device=0)
    return summarizer(text, max_length=120)[0]["summary_text"]


@stub.function(image=image)
@modal.web_endpoint(method="POST")
def api(item: dict) -> dict:
    return {"summary": summarize.remote(item["text"])}


@stub.local_entrypoint()
def main(path: str = "article.txt"):
    with open(path) as handle:
        print(summarize.remote(handle.read()))
