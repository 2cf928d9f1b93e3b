import { describe, expect, it } from 'vitest';
import {
  builderDistributions,
  extendTables,
  importNamesOf,
  installedDistributions,
  normalizeDistributionName,
  parseRequirement,
  providesModule,
} from '../src/model/packages/index.js';
import {
  BASE_PYTHON_DISTRIBUTIONS,
  BASE_PYTHON_DISTRIBUTIONS_BY_IMAGE,
  BUILDER_REQUIREMENTS,
  DISTRIBUTIONS,
  NEWEST_BUILDER_VERSION,
} from '../src/model/packages/tables.js';

/** What an image installing these requirement strings provides, as providesModule answers. */
function provides(requirements: string[], module: string): 'yes' | 'no' | 'unknown' {
  const parsed = requirements.map((r) => parseRequirement(r)!);
  return providesModule(installedDistributions(parsed), module);
}

describe('dependency closures', () => {
  it('fastapi[standard] brings uvicorn, httpx, jinja2 and python-multipart; plain fastapi does not', () => {
    expect(provides(['fastapi[standard]'], 'uvicorn')).toBe('yes');
    expect(provides(['fastapi[standard]'], 'httpx')).toBe('yes');
    expect(provides(['fastapi[standard]'], 'jinja2')).toBe('yes');
    expect(provides(['fastapi[standard]'], 'multipart')).toBe('yes');
    expect(provides(['fastapi[standard]'], 'email_validator')).toBe('yes');
    // uvicorn[standard] through fastapi[standard]
    expect(provides(['fastapi[standard]'], 'uvloop')).toBe('yes');
    expect(provides(['fastapi[standard]'], 'watchfiles')).toBe('yes');
    expect(provides(['fastapi'], 'uvicorn')).toBe('no');
    expect(provides(['fastapi'], 'httpx')).toBe('no');
    expect(provides(['fastapi'], 'starlette')).toBe('yes');
    expect(provides(['fastapi'], 'pydantic')).toBe('yes');
    expect(provides(['fastapi'], 'pydantic_core')).toBe('yes');
  });

  it('uvicorn[standard] adds uvloop and websockets; plain uvicorn does not', () => {
    expect(provides(['uvicorn[standard]'], 'websockets')).toBe('yes');
    expect(provides(['uvicorn'], 'websockets')).toBe('no');
    expect(provides(['uvicorn'], 'h11')).toBe('yes');
  });

  it('transformers provides numpy, yaml, huggingface_hub, tokenizers and safetensors, not torch', () => {
    for (const module of ['numpy', 'yaml', 'huggingface_hub', 'tokenizers', 'safetensors', 'regex', 'requests', 'tqdm']) {
      expect(provides(['transformers'], module), module).toBe('yes');
    }
    expect(provides(['transformers'], 'torch')).toBe('no');
    expect(provides(['transformers'], 'pandas')).toBe('no');
  });

  it('sentence-transformers provides torch, transformers and sklearn', () => {
    expect(provides(['sentence-transformers'], 'torch')).toBe('yes');
    expect(provides(['sentence-transformers'], 'transformers')).toBe('yes');
    expect(provides(['sentence-transformers'], 'sklearn')).toBe('yes');
  });

  it('torch brings its own dependencies: sympy, networkx, jinja2, filelock, fsspec and the CUDA wheels', () => {
    for (const module of ['sympy', 'networkx', 'jinja2', 'filelock', 'fsspec', 'typing_extensions', 'nvidia', 'triton', 'mpmath']) {
      expect(provides(['torch'], module), module).toBe('yes');
    }
    expect(provides(['torch'], 'numpy')).toBe('no');
  });

  it('pandas provides dateutil, pytz and numpy', () => {
    expect(provides(['pandas'], 'dateutil')).toBe('yes');
    expect(provides(['pandas'], 'pytz')).toBe('yes');
    expect(provides(['pandas'], 'numpy')).toBe('yes');
    expect(provides(['numpy'], 'pandas')).toBe('no');
  });

  it('import names that differ from distribution names', () => {
    expect(provides(['opencv-python-headless'], 'cv2')).toBe('yes');
    expect(provides(['opencv-python'], 'cv2')).toBe('yes');
    expect(provides(['opencv-contrib-python'], 'cv2')).toBe('yes');
    expect(provides(['pillow'], 'PIL')).toBe('yes');
    expect(provides(['scikit-learn'], 'sklearn')).toBe('yes');
    expect(provides(['scikit-learn'], 'scipy')).toBe('yes');
    expect(provides(['beautifulsoup4'], 'bs4')).toBe('yes');
    expect(provides(['python-dotenv'], 'dotenv')).toBe('yes');
    expect(provides(['PyYAML'], 'yaml')).toBe('yes');
    expect(provides(['protobuf'], 'google')).toBe('yes');
    expect(provides(['grpcio'], 'grpc')).toBe('yes');
    expect(provides(['chronos-forecasting'], 'chronos')).toBe('yes');
    expect(provides(['ffmpeg-python'], 'ffmpeg')).toBe('yes');
    expect(provides(['openai-whisper'], 'whisper')).toBe('yes');
    expect(provides(['flash-attn'], 'flash_attn')).toBe('yes');
    expect(provides(['onnxruntime-gpu'], 'onnxruntime')).toBe('yes');
    expect(provides(['attrs'], 'attr')).toBe('yes');
    expect(provides(['attrs'], 'attrs')).toBe('yes');
    expect(provides(['setuptools'], 'pkg_resources')).toBe('yes');
    expect(provides(['ipython'], 'IPython')).toBe('yes');
    expect(provides(['psycopg2-binary'], 'psycopg2')).toBe('yes');
    expect(importNamesOf('opencv-python-headless')).toEqual(['cv2']);
    expect(importNamesOf('huggingface_hub')).toEqual(['huggingface_hub']);
  });

  it('extras keep their own dependencies: huggingface-hub[hf_transfer] brings hf_transfer', () => {
    expect(provides(['huggingface_hub[hf_transfer]'], 'hf_transfer')).toBe('yes');
    expect(provides(['huggingface-hub[hf-transfer]'], 'hf_transfer')).toBe('yes');
    expect(provides(['huggingface-hub'], 'hf_transfer')).toBe('no');
  });

  it('common stacks provide what they are installed for', () => {
    expect(provides(['vllm'], 'torch')).toBe('yes');
    expect(provides(['vllm'], 'transformers')).toBe('yes');
    expect(provides(['vllm'], 'fastapi')).toBe('yes');
    expect(provides(['diffusers', 'transformers', 'accelerate'], 'PIL')).toBe('yes');
    expect(provides(['gradio'], 'fastapi')).toBe('yes');
    expect(provides(['gradio'], 'pandas')).toBe('yes');
    expect(provides(['streamlit'], 'pandas')).toBe('yes');
    expect(provides(['datasets'], 'pyarrow')).toBe('yes');
    expect(provides(['openai'], 'httpx')).toBe('yes');
    expect(provides(['openai'], 'pydantic')).toBe('yes');
    expect(provides(['librosa'], 'soundfile')).toBe('yes');
    expect(provides(['boto3'], 'botocore')).toBe('yes');
    expect(provides(['matplotlib'], 'numpy')).toBe('yes');
    expect(provides(['seaborn'], 'matplotlib')).toBe('yes');
  });

  it('extras bring what they name: transformers[torch], sglang[all], huggingface-hub[hf_xet]', () => {
    expect(provides(['transformers[torch]'], 'torch')).toBe('yes');
    expect(provides(['transformers[torch]'], 'accelerate')).toBe('yes');
    expect(provides(['transformers[sentencepiece]'], 'sentencepiece')).toBe('yes');
    expect(provides(['sglang[all]'], 'torch')).toBe('yes');
    expect(provides(['sglang[all]'], 'fastapi')).toBe('yes');
    expect(provides(['sglang'], 'torch')).toBe('no');
    expect(provides(['huggingface_hub[hf_xet]'], 'hf_xet')).toBe('yes');
    expect(provides(['chronos-forecasting'], 'transformers')).toBe('yes');
  });

  it('science and data stacks are known through their closures, under the names their wheels lay out', () => {
    expect(provides(['nemo_toolkit[asr]'], 'nemo')).toBe('yes');
    expect(provides(['nemo_toolkit[asr]'], 'lhotse')).toBe('yes');
    expect(provides(['nemo_toolkit[asr]'], 'lightning')).toBe('yes');
    expect(provides(['nemo_toolkit'], 'lhotse')).toBe('no');
    expect(provides(['chatterbox-tts'], 'chatterbox')).toBe('yes');
    expect(provides(['chatterbox-tts'], 'perth')).toBe('yes');
    expect(provides(['dbt-duckdb'], 'dbt')).toBe('yes');
    expect(provides(['dbt-duckdb'], 'duckdb')).toBe('yes');
    expect(provides(['edgartools'], 'edgar')).toBe('yes');
    expect(provides(['esm'], 'biotite')).toBe('yes');
    expect(provides(['esm'], 'Bio')).toBe('yes');
    expect(provides(['img2dataset'], 'albumentations')).toBe('yes');
    expect(provides(['img2dataset'], 'cv2')).toBe('yes');
    expect(provides(['qdrant-client[fastembed-gpu]'], 'fastembed')).toBe('yes');
    expect(provides(['qdrant-client[fastembed-gpu]'], 'onnxruntime')).toBe('yes');
    expect(provides(['qdrant-client'], 'fastembed')).toBe('no');
    expect(provides(['unsloth[cu128-torch270]'], 'xformers')).toBe('yes');
    expect(provides(['geopandas'], 'pyproj')).toBe('yes');
    expect(provides(['folium'], 'branca')).toBe('yes');
    expect(provides(['pypistats'], 'pytablewriter')).toBe('yes');
    for (const name of ['nemo-toolkit', 'chatterbox-tts', 'dbt-duckdb', 'esm', 'img2dataset', 'geopandas', 'folium', 'pypistats']) {
      expect(installedDistributions([{ name, extras: [] }]).unknown.size, name).toBe(0);
    }
  });

  it('an unknown distribution makes the answer unknown, a known one does not', () => {
    expect(provides(['numpy', 'surely-not-a-known-distribution'], 'pandas')).toBe('unknown');
    expect(provides(['numpy', 'surely-not-a-known-distribution'], 'numpy')).toBe('yes');
    expect(provides(['numpy'], 'pandas')).toBe('no');
    // An extra the tables do not know leaves the image's contents unknown too.
    expect(provides(['fastapi[no-such-extra]'], 'uvicorn')).toBe('unknown');
  });

  it('user-supplied facts extend the tables', () => {
    const tables = extendTables({ 'My_Private.Pkg': { imports: ['private_pkg'], requires: { '': ['numpy'] } } });
    const installed = installedDistributions([parseRequirement('my-private-pkg')!], tables);
    expect(providesModule(installed, 'private_pkg', tables)).toBe('yes');
    expect(providesModule(installed, 'numpy', tables)).toBe('yes');
    expect(providesModule(installed, 'pandas', tables)).toBe('no');
  });
});

describe('table integrity', () => {
  it('names are normalised and every entry has requires and a source', () => {
    for (const [name, facts] of Object.entries(DISTRIBUTIONS)) {
      expect(normalizeDistributionName(name), name).toBe(name);
      expect(facts.requires, name).toBeDefined();
      expect(facts.requires![''], name).toBeDefined();
      expect(facts.source, name).toBeTruthy();
      for (const extra of Object.keys(facts.requires!)) {
        if (extra !== '') expect(normalizeDistributionName(extra), `${name}[${extra}]`).toBe(extra);
      }
    }
    expect(Object.keys(DISTRIBUTIONS).length).toBeGreaterThan(700);
  });

  it('every dependency named in a requires list is itself an entry with requires, with the extras it is asked for', () => {
    const missing: string[] = [];
    for (const [name, facts] of Object.entries(DISTRIBUTIONS)) {
      for (const [extra, deps] of Object.entries(facts.requires ?? {})) {
        for (const dep of deps) {
          const parsed = parseRequirement(dep);
          if (!parsed) {
            missing.push(`${name}[${extra}] -> unparsable ${dep}`);
            continue;
          }
          const target = DISTRIBUTIONS[parsed.name];
          if (!target?.requires) missing.push(`${name}[${extra}] -> ${parsed.name}`);
          for (const e of parsed.extras) {
            if (target?.requires && !target.requires[e]) missing.push(`${name}[${extra}] -> ${parsed.name}[${e}]`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('closures of the base sets of all entries are complete', () => {
    for (const name of Object.keys(DISTRIBUTIONS)) {
      const installed = installedDistributions([{ name, extras: [] }]);
      expect([...installed.unknown], name).toEqual([]);
    }
  });
});

describe('builder requirements and base Python', () => {
  it('has every builder version of modal-client, normalised, and the newest is 2025.06', () => {
    expect(Object.keys(BUILDER_REQUIREMENTS).sort()).toEqual(['2023.12', '2024.04', '2024.10', '2025.06', 'PREVIEW']);
    expect(NEWEST_BUILDER_VERSION).toBe('2025.06');
    for (const names of Object.values(BUILDER_REQUIREMENTS)) {
      for (const name of names) expect(normalizeDistributionName(name)).toBe(name);
    }
    expect(builderDistributions()).toContain('grpclib');
    expect(builderDistributions()).toContain('typing-extensions');
  });

  it('2023.12 and 2024.04 install FastAPI; 2024.10 and later do not', () => {
    const closure = (version: string) =>
      installedDistributions(BUILDER_REQUIREMENTS[version]!.map((name) => ({ name, extras: [] })));
    expect(providesModule(closure('2023.12'), 'fastapi')).toBe('yes');
    expect(providesModule(closure('2024.04'), 'fastapi')).toBe('yes');
    expect(providesModule(closure('2024.04'), 'rich')).toBe('yes');
    expect(providesModule(closure('2023.12'), 'pydantic')).toBe('yes');
    expect(providesModule(closure('2023.12'), 'starlette')).toBe('yes');
    for (const version of ['2024.10', '2025.06', 'PREVIEW']) {
      expect(providesModule(closure(version), 'fastapi'), version).toBe('no');
      expect(providesModule(closure(version), 'aiohttp'), version).toBe('yes');
      expect(providesModule(closure(version), 'google'), version).toBe('yes');
    }
    // The closures of the builder lists are known (2023.12 lists first-order requirements only).
    for (const version of Object.keys(BUILDER_REQUIREMENTS)) expect([...closure(version).unknown], version).toEqual([]);
  });

  it('base Python distributions are known and include pip', () => {
    expect(BASE_PYTHON_DISTRIBUTIONS).toContain('pip');
    for (const names of Object.values(BASE_PYTHON_DISTRIBUTIONS_BY_IMAGE)) {
      for (const name of names) expect(BASE_PYTHON_DISTRIBUTIONS).toContain(name);
    }
    for (const name of BASE_PYTHON_DISTRIBUTIONS) expect(DISTRIBUTIONS[name]?.requires, name).toBeDefined();
  });
});
