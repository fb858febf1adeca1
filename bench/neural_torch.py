"""The `neural` model's architecture in PyTorch, for the per-epoch time comparison of bench/neural.ts.

Run by `npm run bench:neural` with the directory the TypeScript bench exported the split to:
    /usr/bin/python3 bench/neural_torch.py <dir> [dense|sparse]
`dense` (default) is the textbook version: AdamW steps every embedding row at every batch.
`sparse` is the fast PyTorch idiom and the one closest to cinerec's lazy Adam rows: sparse
embedding gradients stepped by SparseAdam (which has no weight decay), AdamW for the rest.
<dir> holds fit.bin, valid.bin, test.bin (int32 user, int32 item, float32 rating per row),
items.bin (float32 nItems × (genres + 10) feature rows) and config.json (dims, batch size,
optimiser settings, epochs, patience, seed). Prints one JSON line: seconds per epoch and RMSE.
Same model: user/movie embeddings and biases, ReLU genre and numeric MLPs, a flag input for a
dropped movie embedding, hidden ReLU + dropout layers, a linear output around the global mean;
Adam with decoupled weight decay (AdamW) on weights and embeddings, MSE, movie-embedding dropout,
early stopping on the validation rows, the best epoch restored.
"""

import json
import sys
import time

import numpy as np
import torch
from torch import nn


def read_rows(path):
    raw = np.fromfile(path, dtype=np.int32).reshape(-1, 3)
    users = torch.from_numpy(raw[:, 0].copy()).long()
    items = torch.from_numpy(raw[:, 1].copy()).long()
    ratings = torch.from_numpy(raw[:, 2].copy().view(np.float32))
    return users, items, ratings


class Hybrid(nn.Module):
    def __init__(self, c, genre_width, sparse=False):
        super().__init__()
        self.user = nn.Embedding(c["nUsers"], c["userDim"], sparse=sparse)
        self.item = nn.Embedding(c["nItems"], c["itemDim"], sparse=sparse)
        self.user_bias = nn.Embedding(c["nUsers"], 1, sparse=sparse)
        self.item_bias = nn.Embedding(c["nItems"], 1, sparse=sparse)
        for e in (self.user, self.item):
            nn.init.normal_(e.weight, std=0.05)
        for e in (self.user_bias, self.item_bias):
            nn.init.zeros_(e.weight)
        self.genre = nn.Linear(genre_width, c["genreDim"])
        self.numeric = nn.Linear(10, c["numericDim"])
        width = c["userDim"] + c["itemDim"] + c["genreDim"] + c["numericDim"] + 1
        layers = []
        for h in c["hidden"]:
            layers += [nn.Linear(width, h), nn.ReLU(), nn.Dropout(c["dropout"])]
            width = h
        layers.append(nn.Linear(width, 1))
        self.mlp = nn.Sequential(*layers)
        self.mu = c["mu"]

    def forward(self, u, i, keep, feats, genre_width):
        g = torch.relu(self.genre(feats[:, :genre_width]))
        n = torch.relu(self.numeric(feats[:, genre_width:]))
        k = keep.unsqueeze(1)
        x = torch.cat([self.user(u), self.item(i) * k, g, n, 1 - k], dim=1)
        out = self.mlp(x).squeeze(1)
        return self.mu + out + self.user_bias(u).squeeze(1) + keep * self.item_bias(i).squeeze(1)


def rmse(model, rows, feats, gw, lo, hi):
    model.eval()
    with torch.no_grad():
        u, i, r = rows
        keep = torch.ones(len(r))
        p = model(u, i, keep, feats[i], gw).clamp(lo, hi)
        return float(torch.sqrt(torch.mean((p - r) ** 2)))


def main():
    d = sys.argv[1]
    c = json.load(open(f"{d}/config.json"))
    torch.manual_seed(c["seed"])
    torch.set_num_threads(c.get("threads", 2))
    feats = torch.from_numpy(np.fromfile(f"{d}/items.bin", dtype=np.float32).reshape(c["nItems"], -1))
    gw = feats.shape[1] - 10
    fit, valid, test = (read_rows(f"{d}/{name}.bin") for name in ("fit", "valid", "test"))
    sparse = len(sys.argv) > 2 and sys.argv[2] == "sparse"
    model = Hybrid(c, gw, sparse)
    embeddings = {"user.weight", "item.weight", "user_bias.weight", "item_bias.weight"} if sparse else set()
    named = [(n, p) for n, p in model.named_parameters() if n not in embeddings]
    decay = [p for n, p in named if "bias" not in n]
    no_decay = [p for n, p in named if "bias" in n]
    dense_opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": c["weightDecay"]}, {"params": no_decay, "weight_decay": 0}], lr=c["lr"]
    )
    opts = [dense_opt]
    if sparse:
        sparse_params = [p for n, p in model.named_parameters() if n in embeddings]
        opts.append(torch.optim.SparseAdam(sparse_params, lr=c["lr"]))
    lo, hi = c["clamp"]
    n = len(fit[2])
    bs = c["batchSize"]
    best, best_state, best_epoch, seconds = float("inf"), None, 0, []
    for epoch in range(c["epochs"]):
        model.train()
        start = time.perf_counter()
        order = torch.randperm(n)
        for a in range(0, n, bs):
            idx = order[a : a + bs]
            u, i, r = fit[0][idx], fit[1][idx], fit[2][idx]
            keep = (torch.rand(len(idx)) >= c["movieDropout"]).float()
            loss = torch.mean((model(u, i, keep, feats[i], gw) - r) ** 2)
            for opt in opts:
                opt.zero_grad()
            loss.backward()
            for opt in opts:
                opt.step()
        seconds.append(time.perf_counter() - start)
        v = rmse(model, valid, feats, gw, lo, hi)
        if v < best:
            best, best_epoch = v, epoch + 1
            best_state = {k: t.clone() for k, t in model.state_dict().items()}
        elif c["patience"] > 0 and epoch + 1 - best_epoch >= c["patience"]:
            break
    model.load_state_dict(best_state)
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "variant": "sparse" if sparse else "dense",
                "threads": torch.get_num_threads(),
                "epochs": len(seconds),
                "bestEpoch": best_epoch,
                "secondsPerEpoch": sum(seconds) / len(seconds),
                "epochSeconds": seconds,
                "validationRmse": best,
                "testRmse": rmse(model, test, feats, gw, lo, hi),
            }
        )
    )


if __name__ == "__main__":
    main()
