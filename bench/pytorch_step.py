#!/usr/bin/env python3
"""One CLUDA training iteration in PyTorch eager, timed: a reference beside `cluda bench step`.

Same architecture as the Java model (core/src/main/java/dev/cluda/model): MiT-B0..B5 encoder
(overlapping patch embeds, efficient attention with separate q / kv linears and an SR conv + LN,
Mix-FFN with a 3x3 depthwise conv, LN eps 1e-6 in blocks and stage norms, 1e-5 in patch-embed and
SR norms, stochastic depth 0 -> 0.1), DAFormer head (1x1 conv embeddings with bias, bilinear resize
to stride 4, ASPP fusion: 1x1 ConvBnRelu + three depthwise-separable dilated (6, 12, 18) branches
+ 3x3 ConvBnRelu bottleneck, Dropout2d 0.1, 1x1 classifier, 19 classes). Parameter counts match the
Java model (mit_b0/128/128: 3,319,392 encoder, 4,258,035 total).

Same step as CludaStep with the single-resolution student (reference sections 1, 2, 5, 7, 13):
 1. EMA teacher update (copy at t = 0, then alpha_t = min(1 - 1/(t+1), 0.999)); parameters only,
    BN buffers stay the teacher's own.
 2. source forward, CE (bilinear logits to the label size, ignore 255, mean over all B*H*W),
    source pixel contrast on the fused feature, one backward;
 3. teacher forward (no grad, BN in batch-statistics mode, no drop path / dropout) -> softmax,
    max, argmax; confidence q = fraction of max prob >= 0.968, one scalar per image (section 13);
 4. ClassMix per image (half of the source label's unique values, ceil), mixed image / label /
    weight; colour jitter (p 0.8) and Gaussian blur (p 0.5), random numbers drawn once per step;
 5. mixed forward, pseudo-weighted CE, confidence-weighted pixel contrast (rho_ij = pi_i pi_j),
    one backward;
 6. AdamW (betas 0.9/0.999, eps 1e-8, wd 0.01), head lr x10, no decay on encoder norms.

Pixel contrast (section 5.3 + section 13): fused feature resized to a G x G grid (bilinear,
align_corners=True) and L2-normalised; labels nearest; anchors = non-255 pixels; positives =
same class, j != i; negatives = other class of the same stuff/thing group (stuff-thing pairs dropped
from both); temperature 1; L = -(1/N) sum_i 1/max(|P(i)|,1) sum_{j in P(i)} rho_ij l_ij with
l_ij = s_ij - log(e^{s_ij} + sum_{k in N(i)} e^{s_ik}). Computed in the Java "block form": anchors
sorted by class, one N x N exponential and a product with the class indicator for the negative sums,
per-class Gram blocks for the positives (`contrast_masked` is the plain N x N form, for --selftest).

Simplified against the Java step (timing-irrelevant or small):
 * random inputs instead of the data pipeline (no decoding, RCS, crops, flips); the Java bench's
   step time includes its data and transforms;
 * constant learning rate (the warm-up / poly schedule only sets a scalar per group);
 * colour jitter: brightness (additive), contrast, saturation as in kornia 0.5; hue as a rotation
   in YIQ space instead of an HSV round trip; ops in random order, factors per image;
 * no pseudo-label margins (the synthetic default has none), no feature distance (off in
   conf/synthetic.conf; on at paper scale it adds one frozen encoder forward on the source batch),
   no HRDA / MIC; random numbers from torch, so values do not match the Java run;
 * the two student passes run one after the other (the Java CPU step may overlap them on 2 threads).
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

NUM_CLASSES = 19
IGNORE = 255
THINGS = (6, 7, 11, 12, 13, 14, 15, 16, 17, 18)
VARIANTS = {  # stage widths, depths; heads (1, 2, 5, 8), SR (8, 4, 2, 1), MLP ratio 4 for all
    "mit_b0": ((32, 64, 160, 256), (2, 2, 2, 2)),
    "mit_b1": ((64, 128, 320, 512), (2, 2, 2, 2)),
    "mit_b2": ((64, 128, 320, 512), (3, 4, 6, 3)),
    "mit_b3": ((64, 128, 320, 512), (3, 4, 18, 3)),
    "mit_b4": ((64, 128, 320, 512), (3, 8, 27, 3)),
    "mit_b5": ((64, 128, 320, 512), (3, 6, 40, 3)),
}
HEADS, SR_RATIOS = (1, 2, 5, 8), (8, 4, 2, 1)
MEAN = torch.tensor([123.675, 116.28, 103.53]).view(1, 3, 1, 1) / 255
STD = torch.tensor([58.395, 57.12, 57.375]).view(1, 3, 1, 1) / 255


# ----------------------------------------------------------------------------- model
def drop_path(x, rate, active):
    if not active or rate == 0.0:
        return x
    keep = torch.rand((x.shape[0],) + (1,) * (x.dim() - 1), device=x.device) >= rate
    return x * keep.to(x.dtype) / (1 - rate)


class EfficientAttention(nn.Module):
    def __init__(self, dim, heads, sr):
        super().__init__()
        self.heads, self.scale = heads, (dim // heads) ** -0.5
        self.q, self.kv, self.proj = nn.Linear(dim, dim), nn.Linear(dim, 2 * dim), nn.Linear(dim, dim)
        self.sr = nn.Conv2d(dim, dim, sr, sr) if sr > 1 else None
        self.norm = nn.LayerNorm(dim, eps=1e-5) if sr > 1 else None

    def forward(self, x, h, w):  # x (B, N, C)
        b, n, c = x.shape
        d = c // self.heads
        q = self.q(x).reshape(b, n, self.heads, d).transpose(1, 2)
        src = x
        if self.sr is not None:
            src = self.sr(x.transpose(1, 2).reshape(b, c, h, w)).flatten(2).transpose(1, 2)
            src = self.norm(src)
        kv = self.kv(src).reshape(b, -1, 2, self.heads, d).permute(2, 0, 3, 1, 4)
        attn = (q @ kv[0].transpose(-2, -1) * self.scale).softmax(-1)  # explicit, as the Java model
        return self.proj((attn @ kv[1]).transpose(1, 2).reshape(b, n, c))


class MixFfn(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(dim, hidden), nn.Linear(hidden, dim)
        self.dwconv = nn.Conv2d(hidden, hidden, 3, 1, 1, groups=hidden)

    def forward(self, x, h, w):
        y = self.fc1(x)
        b, n, c = y.shape
        y = F.gelu(self.dwconv(y.transpose(1, 2).reshape(b, c, h, w))).flatten(2).transpose(1, 2)
        return self.fc2(y)


class MitBlock(nn.Module):
    def __init__(self, dim, heads, sr, dpr):
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(dim, eps=1e-6), nn.LayerNorm(dim, eps=1e-6)
        self.attn, self.mlp, self.dpr = EfficientAttention(dim, heads, sr), MixFfn(dim, 4 * dim), dpr

    def forward(self, x, h, w, stochastic):
        x = x + drop_path(self.attn(self.norm1(x), h, w), self.dpr, stochastic)
        return x + drop_path(self.mlp(self.norm2(x), h, w), self.dpr, stochastic)


class MixTransformer(nn.Module):
    def __init__(self, variant, drop_path_rate=0.1):
        super().__init__()
        dims, depths = VARIANTS[variant]
        total = sum(depths)
        rates = [drop_path_rate * i / (total - 1) for i in range(total)]
        self.dims, self.stages, first, cin = dims, nn.ModuleList(), 0, 3
        for s in range(4):
            k, st = (7, 4) if s == 0 else (3, 2)
            stage = nn.Module()
            stage.patch_embed = nn.Conv2d(cin, dims[s], k, st, k // 2)
            stage.patch_norm = nn.LayerNorm(dims[s], eps=1e-5)
            stage.blocks = nn.ModuleList(MitBlock(dims[s], HEADS[s], SR_RATIOS[s], rates[first + j])
                                         for j in range(depths[s]))
            stage.norm = nn.LayerNorm(dims[s], eps=1e-6)
            self.stages.append(stage)
            first, cin = first + depths[s], dims[s]

    def forward(self, x, stochastic):
        outs = []
        for stage in self.stages:
            x = stage.patch_embed(x)
            b, c, h, w = x.shape
            t = stage.patch_norm(x.flatten(2).transpose(1, 2))
            for blk in stage.blocks:
                t = blk(t, h, w, stochastic)
            x = stage.norm(t).transpose(1, 2).reshape(b, c, h, w)
            outs.append(x)
        return outs


def conv_bn_relu(cin, cout, k, dilation=1, groups=1):
    pad = 0 if k == 1 else dilation * (k // 2)
    return nn.Sequential(nn.Conv2d(cin, cout, k, 1, pad, dilation, groups, bias=False),
                         nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1), nn.ReLU(inplace=True))


class DaformerHead(nn.Module):
    def __init__(self, in_dims, embed, fused, dilations=(1, 6, 12, 18)):
        super().__init__()
        self.embed = nn.ModuleList(nn.Conv2d(c, embed, 1) for c in in_dims)
        cin = 4 * embed
        self.aspp = nn.ModuleList([conv_bn_relu(cin, fused, 1)] + [
            nn.Sequential(conv_bn_relu(cin, cin, 3, d, groups=cin), conv_bn_relu(cin, fused, 1))
            for d in dilations[1:]])
        self.bottleneck = conv_bn_relu(len(dilations) * fused, fused, 3)
        self.cls = nn.Conv2d(fused, NUM_CLASSES, 1)

    def forward(self, feats, stochastic):
        size = feats[0].shape[2:]
        x = torch.cat([F.interpolate(e(f), size, mode="bilinear", align_corners=False)
                       for e, f in zip(self.embed, feats)], 1)
        fused = self.bottleneck(torch.cat([branch(x) for branch in self.aspp], 1))
        dropped = F.dropout2d(fused, 0.1, training=stochastic)
        return self.cls(dropped), fused


class Segmenter(nn.Module):
    def __init__(self, variant, embed, fused):
        super().__init__()
        self.backbone = MixTransformer(variant)
        self.head = DaformerHead(self.backbone.dims, embed, fused)

    def forward(self, x, stochastic=True):
        return self.head(self.backbone(x, stochastic), stochastic)


def count(module):
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


# ----------------------------------------------------------------------------- losses
def cross_entropy(logits, labels, weights=None):
    logits = F.interpolate(logits, labels.shape[1:], mode="bilinear", align_corners=False)
    ce = F.cross_entropy(logits, labels, ignore_index=IGNORE, reduction="none")
    if weights is not None:
        ce = ce * weights
    return ce.sum() / labels.numel()  # ignored pixels stay in the denominator (section 2.6)


def contrast_inputs(fused, labels, weights, grid, thing):
    f = F.normalize(F.interpolate(fused, (grid, grid), mode="bilinear", align_corners=True), dim=1)
    y = F.interpolate(labels[:, None].float(), (grid, grid), mode="nearest")[:, 0].long()
    pi = None if weights is None else F.interpolate(weights[:, None], (grid, grid), mode="bilinear",
                                                    align_corners=True)[:, 0]
    f = f.permute(0, 2, 3, 1).reshape(-1, f.shape[1])  # image-major, then row, column (section 13)
    y = y.reshape(-1)
    keep = (y != IGNORE).nonzero().squeeze(1)
    f, y = f[keep], y[keep]
    pi = None if pi is None else pi.reshape(-1)[keep]
    group = thing[y]  # 0 stuff, 1 thing: pairs only within a group (stuff/thing separation on)
    return f, y, pi, group


def contrast_block(f, y, pi, group, tau=1.0):
    """Block form: anchors sorted by class; positives of an anchor are the rest of its block."""
    n = f.shape[0]
    if n == 0:
        return f.sum() * 0
    key, order = torch.sort(group * 256 + y, stable=True)
    f, group = f[order], group[order]
    pi = None if pi is None else pi[order]
    _, sizes = torch.unique_consecutive(key, return_counts=True)
    sizes = sizes.tolist()
    k = len(sizes)
    block = torch.repeat_interleave(torch.arange(k, device=f.device), torch.tensor(sizes, device=f.device))
    starts = torch.tensor([0] + sizes[:-1], device=f.device).cumsum(0)
    neg_mask = (group[starts][None, :] == group[:, None]) & (block[:, None] != torch.arange(k, device=f.device))
    none = (~neg_mask.any(1)).to(f.dtype)
    # e^{s_ik - m}, m = max ||f||^2 / tau >= every s_ik (detached; cancels), folded into the product
    shift = ((f * f).sum(1).max() / tau).detach()
    lhs = torch.cat([f / tau, torch.ones(n, 1, device=f.device, dtype=f.dtype)], 1)
    rhs = torch.cat([f, -shift.expand(n, 1)], 1)
    block_sums = (lhs @ rhs.T).exp() @ F.one_hot(block, k).to(f.dtype)
    neg_sum = (block_sums * neg_mask.to(f.dtype)).sum(1) + none
    c = neg_sum.clamp_min(torch.finfo(f.dtype).tiny).log() + shift - 1e30 * none
    rows = []
    for fb, cb, pb in zip(f.split(sizes), c.split(sizes), pi.split(sizes) if pi is not None else [None] * k):
        nb = fb.shape[0]
        w = 1 - torch.eye(nb, device=f.device, dtype=f.dtype)
        if pb is not None:
            w = w * pb[None, :]
        r = (F.softplus(cb[:, None] - fb @ fb.T / tau) * w).sum(1)  # -l_ij = softplus(c_i - s_ij)
        r = r if pb is None else r * pb
        rows.append(r / max(nb - 1, 1))
    return torch.cat(rows).sum() / n


def contrast_masked(f, y, pi, group, tau=1.0):
    """Plain N x N form of the same loss (reference for --selftest)."""
    n = f.shape[0]
    s = f @ f.T / tau
    same = y[:, None] == y[None, :]
    pos = same & ~torch.eye(n, dtype=torch.bool, device=f.device)
    neg = ~same & (group[:, None] == group[None, :])
    c = torch.logsumexp(s.masked_fill(~neg, -float("inf")), 1, keepdim=True)
    l = s - torch.logaddexp(s, c)
    rho = pos.to(f.dtype) if pi is None else pos * pi[:, None] * pi[None, :]
    return -((rho * l).sum(1) / pos.sum(1).clamp_min(1)).sum() / n


# ----------------------------------------------------------------------------- mixing and augmentation
def class_mix(xs, ys, xt, yt, wt):
    masks = []
    for b in range(ys.shape[0]):
        classes = torch.unique(ys[b])  # per image (section 13); may include 255 as in the released code
        take = (len(classes) + len(classes) % 2) // 2
        chosen = classes[torch.randperm(len(classes), device=classes.device)[:take]]
        masks.append(torch.isin(ys[b], chosen))
    m = torch.stack(masks)
    mf = m[:, None].to(xs.dtype)
    return mf * xs + (1 - mf) * xt, torch.where(m, ys, yt), torch.where(m, torch.ones_like(wt), wt)


def color_jitter(img, s=0.2):  # img in [0, 1], (3, H, W)
    def brightness(x):
        return (x + (torch.empty(1).uniform_(1 - s, 1 + s).item() - 1)).clamp(0, 1)

    def contrast(x):
        return (x * torch.empty(1).uniform_(1 - s, 1 + s).item()).clamp(0, 1)

    def saturation(x):
        gray = (0.299 * x[0] + 0.587 * x[1] + 0.114 * x[2])[None]
        return (gray + torch.empty(1).uniform_(1 - s, 1 + s).item() * (x - gray)).clamp(0, 1)

    def hue(x):  # rotation of the chroma plane in YIQ (an approximation of the HSV hue shift)
        a = torch.empty(1).uniform_(-s, s).item() * 2 * math.pi
        yiq = torch.tensor([[0.299, 0.587, 0.114], [0.596, -0.274, -0.322], [0.211, -0.523, 0.312]])
        rot = torch.tensor([[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]])
        t = (torch.linalg.inv(yiq) @ rot @ yiq).to(x.device)  # 3 x 3 on the host
        return torch.einsum("ij,jhw->ihw", t, x).clamp(0, 1)

    ops = [brightness, contrast, saturation, hue]
    for i in torch.randperm(4).tolist():
        img = ops[i](img)
    return img


def gaussian_blur(img):  # (3, H, W); odd kernel nearest 10 % of each side, sigma ~ U(0.15, 1.15)
    sigma = torch.empty(1).uniform_(0.15, 1.15).item()
    for axis, length in ((1, img.shape[1]), (2, img.shape[2])):
        c = math.ceil(0.1 * length)
        k = int(math.floor(c - 0.5 + (c % 2)))
        r = torch.arange(k, device=img.device, dtype=img.dtype) - k // 2
        g = torch.exp(-r * r / (2 * sigma * sigma))
        g = (g / g.sum()).view(1, 1, -1, 1) if axis == 1 else (g / g.sum()).view(1, 1, 1, -1)
        pad = (0, 0, k // 2, k // 2) if axis == 1 else (k // 2, k // 2, 0, 0)
        img = F.conv2d(F.pad(img[:, None], pad, mode="reflect"), g)[:, 0]
    return img


def photometric(x):
    u_c, u_b = torch.rand(2).tolist()  # once per iteration, shared by the images
    if u_c <= 0.2 and u_b <= 0.5:
        return x
    mean, std = MEAN.to(x.device), STD.to(x.device)
    unit = x * std + mean
    out = []
    for img in unit:
        if u_c > 0.2:
            img = color_jitter(img)
        if u_b > 0.5:
            img = gaussian_blur(img)
        out.append(img)
    return (torch.stack(out) - mean) / std


# ----------------------------------------------------------------------------- the step
class CludaStep:
    def __init__(self, args, device):
        self.student = Segmenter(args.encoder, args.embed, args.fused).to(device)
        self.teacher = Segmenter(args.encoder, args.embed, args.fused).to(device)
        for p in self.teacher.parameters():
            p.requires_grad_(False)
        self.student.train()
        self.teacher.train()  # BN with batch statistics while pseudo-labelling (section 2.1)
        head = [p for n, p in self.student.named_parameters() if n.startswith("head.")]
        norm = [p for n, p in self.student.named_parameters() if not n.startswith("head.") and "norm" in n]
        rest = [p for n, p in self.student.named_parameters() if not n.startswith("head.") and "norm" not in n]
        self.opt = torch.optim.AdamW([{"params": head, "lr": args.lr * 10},
                                      {"params": norm, "weight_decay": 0.0}, {"params": rest}],
                                     lr=args.lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
        self.s_params = list(self.student.parameters())
        self.t_params = list(self.teacher.parameters())
        self.thing = torch.zeros(256, dtype=torch.long, device=device)
        self.thing[list(THINGS)] = 1
        self.grid, self.cl_source, self.cl_mixed = args.grid, args.cl_source_weight, args.cl_mixed_weight
        self.device, self.profile, self.laps, self.mark = device, args.profile, {}, 0.0

    def lap(self, name):  # --profile: wall time per phase (synchronising; adds a little on CUDA)
        if self.profile:
            sync(self.device)
            now = time.perf_counter()
            self.laps[name] = self.laps.get(name, 0.0) + (now - self.mark) * 1e3
            self.mark = now

    @torch.no_grad()
    def ema(self, t, alpha=0.999):
        if t == 0:
            torch._foreach_copy_(self.t_params, self.s_params)
        else:
            a = min(1 - 1 / (t + 1), alpha)
            torch._foreach_lerp_(self.t_params, self.s_params, 1 - a)

    def contrast(self, fused, labels, weights):
        return contrast_block(*contrast_inputs(fused, labels, weights, self.grid, self.thing))

    def __call__(self, t, xs, ys, xt):
        self.mark = time.perf_counter()
        self.opt.zero_grad(set_to_none=True)
        self.ema(t)
        self.lap("ema")
        logits, fused = self.student(xs)  # source pass
        loss = cross_entropy(logits, ys)
        self.lap("source forward and ce")
        loss = loss + self.cl_source * self.contrast(fused, ys, None)
        self.lap("source contrast")
        loss.backward()
        self.lap("source backward")
        with torch.no_grad():  # pseudo-labels
            t_logits, _ = self.teacher(xt, stochastic=False)
            prob = F.interpolate(t_logits, ys.shape[1:], mode="bilinear", align_corners=False).softmax(1)
            pmax, yt = prob.max(1)
            q = (pmax >= 0.968).float().mean((1, 2))  # one scalar per image (section 13)
            wt = q.view(-1, 1, 1).expand_as(pmax).contiguous()
            self.lap("pseudo-labels")
            xm, ym, wm = class_mix(xs, ys, xt, yt, wt)
            xm = photometric(xm)
            self.lap("mixing and augmentation")
        logits, fused = self.student(xm)  # mixed pass
        loss_m = cross_entropy(logits, ym, wm)
        self.lap("mixed forward and ce")
        loss_m = loss_m + self.cl_mixed * self.contrast(fused, ym, wm)
        self.lap("mixed contrast")
        loss_m.backward()
        self.lap("mixed backward")
        self.opt.step()
        self.lap("optimizer")
        return loss.item() + loss_m.item()  # one host sync, as the Java step reads its losses


def random_batch(b, crop, device, gen):
    x = torch.randn(b, 3, crop, crop, device=device)
    coarse = torch.randint(0, NUM_CLASSES, (b, 1, crop // 16, crop // 16), generator=gen).float()
    y = F.interpolate(coarse, (crop, crop), mode="nearest")[:, 0].long()
    y[torch.rand(y.shape, generator=gen) < 0.05] = IGNORE  # some ignore pixels
    return x, y.to(device)


def gemm_gflops(n, device):
    a, b = torch.randn(n, n, device=device), torch.randn(n, n, device=device)
    times = []
    for i in range(7):  # 2 warm-up + 5 timed
        sync(device)
        start = time.perf_counter()
        a @ b
        sync(device)
        if i >= 2:
            times.append(time.perf_counter() - start)
    return 2 * n ** 3 / statistics.median(times) / 1e9


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def selftest():
    torch.manual_seed(0)
    thing = torch.zeros(256, dtype=torch.long)
    thing[list(THINGS)] = 1
    fused = torch.randn(2, 16, 9, 9, dtype=torch.float64)
    labels = torch.randint(0, NUM_CLASSES, (2, 9, 9))
    labels[0, :3] = IGNORE
    weights = torch.rand(2, 9, 9, dtype=torch.float64)
    for w in (None, weights):
        fa, fb = fused.clone().requires_grad_(), fused.clone().requires_grad_()
        a = contrast_block(*contrast_inputs(fa, labels, w, 7, thing))
        b = contrast_masked(*contrast_inputs(fb, labels, w, 7, thing))
        assert torch.allclose(a, b, rtol=1e-9, atol=1e-12), (a.item(), b.item())
        a.backward()
        b.backward()
        assert torch.allclose(fa.grad, fb.grad, rtol=1e-7, atol=1e-12), "gradients differ"
    print(json.dumps({"selftest": "ok", "block": a.item(), "masked": b.item()}))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--encoder", default="mit_b0", choices=sorted(VARIANTS))
    p.add_argument("--embed", type=int, default=128)
    p.add_argument("--fused", type=int, default=128)
    p.add_argument("--crop", type=int, default=128)
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--grid", type=int, default=33)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    p.add_argument("--threads", type=int, default=0, help="torch intra-op threads (0 = torch default)")
    p.add_argument("--lr", type=float, default=6e-5)
    p.add_argument("--cl-source-weight", type=float, default=0.1, help="conf/synthetic.conf: 0.1 (paper 1)")
    p.add_argument("--cl-mixed-weight", type=float, default=0.1, help="conf/synthetic.conf: 0.1 (paper 1)")
    p.add_argument("--tf32", action="store_true", help="allow TF32 matmuls/convs on CUDA (default: strict fp32)")
    p.add_argument("--profile", action="store_true", help="also print the mean ms per phase of the timed steps")
    p.add_argument("--params-only", action="store_true", help="print the parameter counts and exit")
    p.add_argument("--selftest", action="store_true", help="check the block-form contrast against the N x N form")
    args = p.parse_args()
    if args.selftest:
        return selftest()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    torch.backends.cuda.matmul.allow_tf32 = args.tf32
    torch.backends.cudnn.allow_tf32 = args.tf32
    torch.manual_seed(1)
    step = CludaStep(args, device)
    out = {"impl": "pytorch-eager", "torch": torch.__version__, "device": str(device),
           "encoder": args.encoder, "embed": args.embed, "fused": args.fused, "crop": args.crop,
           "batch": args.batch, "grid": args.grid, "threads": torch.get_num_threads(),
           "encoder_params": count(step.student.backbone), "total_params": count(step.student)}
    if args.params_only:
        return print(json.dumps(out))
    gen = torch.Generator().manual_seed(2)
    times = []
    for t in range(args.warmup + args.steps):
        xs, ys = random_batch(args.batch, args.crop, device, gen)
        xt, _ = random_batch(args.batch, args.crop, device, gen)
        if t == args.warmup:
            step.laps.clear()
        sync(device)
        start = time.perf_counter()
        loss = step(t, xs, ys, xt)
        sync(device)
        if t >= args.warmup:
            times.append((time.perf_counter() - start) * 1e3)
    out.update({"steps": args.steps, "warmup": args.warmup, "median_ms": round(statistics.median(times), 2),
                "min_ms": round(min(times), 2), "last_loss": round(loss, 4)})
    if args.profile:
        out["profile_ms"] = {k: round(v / args.steps, 1) for k, v in step.laps.items()}
    if device.type == "cuda":
        out["peak_mem_mb"] = round(torch.cuda.max_memory_allocated() / 2 ** 20, 1)
        out["gpu"] = torch.cuda.get_device_name()
    n = 8192 if device.type == "cuda" else 2048
    out["gemm_n"], out["gemm_gflops"] = n, round(gemm_gflops(n, device), 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
