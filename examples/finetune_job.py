# Fine-tune a small causal LM with LoRA and save adapters to a Volume.
# Written quickly: torch is imported at module level (so `modal run` needs torch on the laptop),
# the checkpoint Volume has a non-kebab name, and the local branch adds a W&B secret that the
# remote branch forgets: the function then has two dependencies on the laptop and one in the
# container, and the container fails at startup with a dependency-count ExecutionError.
#
#   modal run finetune_job.py --epochs 1

import torch

import modal

BASE_MODEL = "Qwen/Qwen3-0.6B"
HOURS = 60 * 60

image = modal.Image.debian_slim(python_version="3.12").uv_pip_install(
    "torch==2.7.0", "transformers==4.52.4", "peft==0.15.2", "datasets==3.6.0", "wandb"
)

with image.imports():
    from datasets import load_dataset
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

if modal.is_local():
    TRAIN_SECRETS = [modal.Secret.from_name("huggingface-secret"), modal.Secret.from_name("wandb-secret")]
else:
    TRAIN_SECRETS = [modal.Secret.from_name("huggingface-secret")]

checkpoints = modal.Volume.from_name("LoRA_Checkpoints", create_if_missing=True)
app = modal.App("example-finetune-lora", image=image)


@app.function(
    gpu="A100-80GB",
    timeout=6 * HOURS,
    secrets=TRAIN_SECRETS,
    volumes={"/checkpoints": checkpoints},
)
def finetune(epochs: int = 1, lr: float = 2e-4, run_name: str = "lora-run") -> str:
    import wandb

    wandb.init(project="finetune-lora", name=run_name)
    tokenizer = AutoTokenizer.from_pretrained(BASE_MODEL)
    model = AutoModelForCausalLM.from_pretrained(BASE_MODEL, torch_dtype=torch.bfloat16).to("cuda")
    model = get_peft_model(model, LoraConfig(r=16, lora_alpha=32, target_modules=["q_proj", "v_proj"]))
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)

    rows = load_dataset("yahma/alpaca-cleaned", split="train[:2000]")
    model.train()
    for epoch in range(epochs):
        for step, row in enumerate(rows):
            batch = tokenizer(row["instruction"] + "\n" + row["output"], return_tensors="pt").to("cuda")
            loss = model(**batch, labels=batch["input_ids"]).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            if step % 50 == 0:
                wandb.log({"epoch": epoch, "loss": loss.item()})

    out_dir = f"/checkpoints/{run_name}"
    model.save_pretrained(out_dir)
    checkpoints.commit()
    return out_dir


@app.local_entrypoint()
def main(epochs: int = 1, run_name: str = "lora-run"):
    print("adapters saved to", finetune.remote(epochs=epochs, run_name=run_name))
