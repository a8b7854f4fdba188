"""Independent NumPy port of SegFormer's MiT forward (mix_transformer.py), used once to compute the
reference numbers embedded in MixTransformerReferenceTest. Weights and input follow the formulas of
TestWeights (key order of MitKeyMap). Run: python3 mit_b0_reference.py (needs only numpy)."""
import math
import numpy as np

DIMS, DEPTHS, HEADS, SRS = (32, 64, 160, 256), (2, 2, 2, 2), (1, 2, 5, 8), (8, 4, 2, 1)
erf = np.vectorize(math.erf)


def keys_and_shapes():
    out, cin = [], 3
    for s in range(4):
        d, k = DIMS[s], (7 if s == 0 else 3)
        out += [(f"patch_embed{s+1}.proj.weight", (d, cin, k, k)), (f"patch_embed{s+1}.proj.bias", (d,)),
                (f"patch_embed{s+1}.norm.weight", (d,)), (f"patch_embed{s+1}.norm.bias", (d,))]
        for j in range(DEPTHS[s]):
            p = f"block{s+1}.{j}."
            out += [(p + "norm1.weight", (d,)), (p + "norm1.bias", (d,)),
                    (p + "attn.q.weight", (d, d)), (p + "attn.q.bias", (d,)),
                    (p + "attn.kv.weight", (2 * d, d)), (p + "attn.kv.bias", (2 * d,)),
                    (p + "attn.proj.weight", (d, d)), (p + "attn.proj.bias", (d,))]
            if SRS[s] > 1:
                r = SRS[s]
                out += [(p + "attn.sr.weight", (d, d, r, r)), (p + "attn.sr.bias", (d,)),
                        (p + "attn.norm.weight", (d,)), (p + "attn.norm.bias", (d,))]
            out += [(p + "norm2.weight", (d,)), (p + "norm2.bias", (d,)),
                    (p + "mlp.fc1.weight", (4 * d, d)), (p + "mlp.fc1.bias", (4 * d,)),
                    (p + "mlp.dwconv.dwconv.weight", (4 * d, 1, 3, 3)), (p + "mlp.dwconv.dwconv.bias", (4 * d,)),
                    (p + "mlp.fc2.weight", (d, 4 * d)), (p + "mlp.fc2.bias", (d,))]
        out += [(f"norm{s+1}.weight", (d,)), (f"norm{s+1}.bias", (d,))]
        cin = d
    return out


def formula(n, k, plus_one):
    i = np.arange(n, dtype=np.int64)
    return ((i * 31 + k * 17) % 97 - 48) / 256.0 + (1.0 if plus_one else 0.0)


W = {}
for k, (name, shape) in enumerate(keys_and_shapes()):
    ln_weight = name.endswith(".weight") and ("norm" in name.split(".")[-2])
    W[name] = formula(int(np.prod(shape)), k, ln_weight).reshape(shape)


def conv2d(x, w, b, stride, pad, groups=1):
    B, C, H, Wd = x.shape
    O, Cg, kh, kw = w.shape
    x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    Ho, Wo = (H + 2 * pad - kh) // stride + 1, (Wd + 2 * pad - kw) // stride + 1
    out = np.zeros((B, O, Ho, Wo))
    og = O // groups
    for g in range(groups):
        xs = x[:, g * Cg:(g + 1) * Cg]
        cols = np.stack([xs[:, :, a:a + stride * Ho:stride, c:c + stride * Wo:stride]
                         for a in range(kh) for c in range(kw)], axis=2)  # (B, Cg, kh*kw, Ho, Wo)
        wg = w[g * og:(g + 1) * og].reshape(og, Cg, kh * kw)
        out[:, g * og:(g + 1) * og] = np.einsum("bckhw,ock->bohw", cols, wg)
    return out + b[None, :, None, None]


def ln(x, w, b, eps):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * w + b


def lin(x, p):
    return x @ W[p + ".weight"].T + W[p + ".bias"]


def attention(x, H, Wd, p, heads, sr):
    B, N, C = x.shape
    q = lin(x, p + "q").reshape(B, N, heads, C // heads).transpose(0, 2, 1, 3)
    if sr > 1:
        x_ = x.transpose(0, 2, 1).reshape(B, C, H, Wd)
        x_ = conv2d(x_, W[p + "sr.weight"], W[p + "sr.bias"], sr, 0).reshape(B, C, -1).transpose(0, 2, 1)
        x_ = ln(x_, W[p + "norm.weight"], W[p + "norm.bias"], 1e-5)
    else:
        x_ = x
    kv = lin(x_, p + "kv").reshape(B, -1, 2, heads, C // heads).transpose(2, 0, 3, 1, 4)
    k, v = kv[0], kv[1]
    a = (q @ k.transpose(0, 1, 3, 2)) * (C // heads) ** -0.5
    a = np.exp(a - a.max(-1, keepdims=True))
    a = a / a.sum(-1, keepdims=True)
    return lin((a @ v).transpose(0, 2, 1, 3).reshape(B, N, C), p + "proj")


def mlp(x, H, Wd, p):
    h = lin(x, p + "fc1")
    B, N, C = h.shape
    h = h.transpose(0, 2, 1).reshape(B, C, H, Wd)
    h = conv2d(h, W[p + "dwconv.dwconv.weight"], W[p + "dwconv.dwconv.bias"], 1, 1, groups=C)
    h = h.reshape(B, C, -1).transpose(0, 2, 1)
    h = 0.5 * h * (1 + erf(h / math.sqrt(2)))
    return lin(h, p + "fc2")


n = 1 * 3 * 64 * 64
x = (((np.arange(n) * 13) % 101 - 50) / 50.0).reshape(1, 3, 64, 64)
for s in range(4):
    k, st = (7, 4) if s == 0 else (3, 2)
    pe = f"patch_embed{s+1}."
    x = conv2d(x, W[pe + "proj.weight"], W[pe + "proj.bias"], st, k // 2)
    B, C, H, Wd = x.shape
    t = ln(x.reshape(B, C, -1).transpose(0, 2, 1), W[pe + "norm.weight"], W[pe + "norm.bias"], 1e-5)
    for j in range(DEPTHS[s]):
        p = f"block{s+1}.{j}."
        t = t + attention(ln(t, W[p + "norm1.weight"], W[p + "norm1.bias"], 1e-6), H, Wd, p + "attn.", HEADS[s], SRS[s])
        t = t + mlp(ln(t, W[p + "norm2.weight"], W[p + "norm2.bias"], 1e-6), H, Wd, p + "mlp.")
    t = ln(t, W[f"norm{s+1}.weight"], W[f"norm{s+1}.bias"], 1e-6)
    x = t.reshape(B, H, Wd, -1).transpose(0, 3, 1, 2)
    f = x.reshape(-1)
    picks = [int(i) for i in np.linspace(0, f.size - 1, 6)]
    print(f"stage {s+1} shape {x.shape} sum {f.sum():.6f} abs {np.abs(f).sum():.6f} "
          f"picks {picks} values {[round(float(f[i]), 6) for i in picks]}")
