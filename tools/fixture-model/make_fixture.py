#!/usr/bin/python3
"""Generate SliceSAM's tiny SAM2 fixture model: five ONNX graphs with the real
interface of square-zero-labs/sam2.1-tiny-video-onnx (names, dtypes, ranks; see
INTERFACE.md) at a 512 px input, with a simple, documented behaviour (README.md).

    /usr/bin/python3 tools/fixture-model/make_fixture.py OUTDIR

writes OUTDIR/{vision_encoder,mask_decoder,memory_encoder,memory_attention,
pointer_tpos}.onnx, OUTDIR/constants.json and OUTDIR/manifest.json.  Needs only
numpy and onnx (Debian: python3-onnx).  Output is byte-identical on every run:
fixed opset and IR version, no timestamps, no random numbers, names in a fixed
order, JSON with sorted keys.
"""
import hashlib
import json
import math
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
IR_VERSION = 8
PRODUCER = 'slicesam-fixture-model'
PRODUCER_VERSION = '1'

IMAGE = 512                 # input side (the manifest schema allows 1024 or 512)
GRID = IMAGE // 16          # feats2 / memory grid: 32
DEC = GRID * 4              # decoder working grid = feats0 grid: 128
LOW = 256                   # low_res_mask side (256 whatever the input size)
MEM_FRAMES = 7
POINTERS = 16
MEM_DIM = 64
HIDDEN = 256
TOKENS_PER_POINTER = HIDDEN // MEM_DIM          # 4
ROWS = MEM_FRAMES * GRID * GRID + POINTERS * TOKENS_PER_POINTER   # 7232
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]

BRIGHT = 0.5        # brightness threshold (pixel value in [0, 1], mean of R, G, B)
LOGIT = 10.0        # mask logits are +LOGIT inside, -LOGIT outside
POINT_RADIUS = 6.0  # px: a positive point seeds the decoder cells whose centre is this close
NEG_RADIUS = 16.0   # px: a negative point clears the cells whose centre is this close
GROW_STEPS = 32     # geodesic dilation steps (one decoder cell = 4 px each) inside bright cells
BIG = 1.0e6

FLOAT = TensorProto.FLOAT
INT32 = TensorProto.INT32


class G:
    """A tiny graph builder with deterministic, sequential names."""

    def __init__(self, name):
        self.name = name
        self.nodes = []
        self.inits = []
        self.n = 0

    def const(self, value, dtype=np.float32):
        self.n += 1
        name = f'c{self.n}'
        self.inits.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    def op(self, op_type, inputs, out=None, **attrs):
        self.n += 1
        out = out or f't{self.n}'
        self.nodes.append(helper.make_node(op_type, inputs, [out], name=f'n{self.n}_{op_type}', **attrs))
        return out

    # conveniences
    def f(self, x):
        return self.op('Cast', [x], to=FLOAT)

    def gt(self, x, v):
        return self.f(self.op('Greater', [x, self.const(v)]))

    def slice(self, x, starts, ends, axes):
        return self.op('Slice', [x, self.const(starts, np.int64), self.const(ends, np.int64), self.const(axes, np.int64)])

    def pad_channels(self, x, before, after, out=None):
        """Pad axis 1 of a rank-4 NCHW tensor with zero channels."""
        return self.op('Pad', [x, self.const([0, before, 0, 0, 0, after, 0, 0], np.int64)], out=out, mode='constant')

    def reshape(self, x, shape, out=None):
        return self.op('Reshape', [x, self.const(shape, np.int64)], out=out)

    def build(self, inputs, outputs):
        graph = helper.make_graph(self.nodes, self.name, inputs, outputs, initializer=self.inits)
        model = helper.make_model(
            graph,
            opset_imports=[helper.make_opsetid('', OPSET)],
            producer_name=PRODUCER,
            producer_version=PRODUCER_VERSION,
            doc_string='SliceSAM fixture model (tools/fixture-model); not SAM2, no trained weights.',
        )
        model.ir_version = IR_VERSION
        onnx.checker.check_model(model, full_check=True)
        return model


def vi(name, dtype, shape):
    return helper.make_tensor_value_info(name, dtype, shape)


def pos_grid(side):
    """[1, 2, side, side]: channel 0 = (y + 0.5) / side, channel 1 = (x + 0.5) / side."""
    c = (np.arange(side, dtype=np.float32) + 0.5) / side
    return np.stack([np.repeat(c[:, None], side, 1), np.repeat(c[None, :], side, 0)])[None]


def vision_encoder():
    g = G('vision_encoder')
    # Brightness = mean of the de-normalised R, G, B: sum_c (x_c * std_c + mean_c) / 3.
    w = np.array(STD, np.float32).reshape(1, 3, 1, 1) / 3
    b = np.array([sum(MEAN) / 3], np.float32)
    bright = g.op('Conv', ['pixel_values', g.const(w), g.const(b)], kernel_shape=[1, 1])
    for out, k, ch in (('feats0', 4, 32), ('feats1', 8, 64)):
        pooled = g.op('AveragePool', [bright], kernel_shape=[k, k], strides=[k, k])
        g.pad_channels(pooled, 0, ch - 1, out=out)
    p16 = g.op('AveragePool', [bright], kernel_shape=[16, 16], strides=[16, 16])
    feats2 = g.pad_channels(p16, 0, HIDDEN - 1, out='feats2')
    marker = np.zeros((1, HIDDEN, 1, 1), np.float32)
    marker[0, 2] = 1.0  # stands for no_memory_embedding: feats2_no_mem differs from feats2 in channel 2
    g.op('Add', [feats2, g.const(marker)], out='feats2_no_mem')
    g.pad_channels(g.const(pos_grid(GRID)), 0, HIDDEN - 2, out='vision_pos_embed')
    return g.build(
        [vi('pixel_values', FLOAT, [1, 3, IMAGE, IMAGE])],
        [vi('feats0', FLOAT, [1, 32, DEC, DEC]), vi('feats1', FLOAT, [1, 64, GRID * 2, GRID * 2]),
         vi('feats2', FLOAT, [1, HIDDEN, GRID, GRID]), vi('feats2_no_mem', FLOAT, [1, HIDDEN, GRID, GRID]),
         vi('vision_pos_embed', FLOAT, [1, HIDDEN, GRID, GRID])],
    )


def mask_decoder():
    g = G('mask_decoder')
    bright = g.gt(g.slice('feats0', [0], [1], [1]), BRIGHT)                       # [1,1,128,128]
    memory = g.slice('feats2_cond', [1], [2], [1])                                # [1,1,32,32]
    memory = g.op('Resize', [memory, '', g.const([1, 1, DEC / GRID, DEC / GRID])], mode='nearest')
    memory = g.gt(memory, 0.5)                                                    # [1,1,128,128]

    pts = g.reshape('input_points', [-1, 2])                                      # [N,2]
    px = g.slice(pts, [0], [1], [1])                                              # [N,1]
    py = g.slice(pts, [1], [2], [1])
    labels = g.reshape(g.f('input_labels'), [-1, 1])                              # [N,1]
    centres = (np.arange(DEC, dtype=np.float32) * (IMAGE / DEC) + IMAGE / DEC / 2)
    gx = g.const(centres.reshape(1, DEC))
    gy = g.const(centres.reshape(DEC, 1))
    dx = g.reshape(g.op('Sub', [px, gx]), [-1, 1, DEC])                           # [N,1,128]
    dy = g.reshape(g.op('Sub', [py, g.reshape(gy, [1, DEC])]), [-1, DEC, 1])      # [N,128,1]
    d2 = g.op('Add', [g.op('Mul', [dx, dx]), g.op('Mul', [dy, dy])])              # [N,128,128]

    def label_is(v):
        return g.reshape(g.f(g.op('Equal', [labels, g.const(v)])), [-1, 1, 1])    # [N,1,1]

    def near(v, radius):
        close = g.f(g.op('LessOrEqual', [d2, g.const(radius * radius)]))
        hit = g.op('ReduceMax', [g.op('Mul', [close, label_is(v)])], axes=[0], keepdims=1)
        return g.reshape(hit, [1, 1, DEC, DEC])

    positive = near(1.0, POINT_RADIUS)
    negative = near(0.0, NEG_RADIUS)

    def corner(coord, v, reduce, fill):
        sel = g.op('Equal', [labels, g.const(v)])
        return g.op(reduce, [g.op('Where', [sel, coord, g.const(fill)])], axes=[0], keepdims=1)   # [1,1]

    x0 = corner(px, 2.0, 'ReduceMin', BIG)
    y0 = corner(py, 2.0, 'ReduceMin', BIG)
    x1 = corner(px, 3.0, 'ReduceMax', -BIG)
    y1 = corner(py, 3.0, 'ReduceMax', -BIG)
    in_x = g.op('Mul', [g.f(g.op('GreaterOrEqual', [gx, x0])), g.f(g.op('LessOrEqual', [gx, x1]))])  # [1,128]
    y0c = g.reshape(y0, [1, 1])
    y1c = g.reshape(y1, [1, 1])
    in_y = g.op('Mul', [g.f(g.op('GreaterOrEqual', [gy, y0c])), g.f(g.op('LessOrEqual', [gy, y1c]))])  # [128,1]
    in_box = g.reshape(g.op('Mul', [in_x, in_y]), [1, 1, DEC, DEC])

    # Seeds (positive points, memory) grow through connected bright cells.
    grown = g.op('Mul', [g.op('Max', [positive, memory]), bright])
    for _ in range(GROW_STEPS):
        grown = g.op('Mul', [g.op('MaxPool', [grown], kernel_shape=[3, 3], pads=[1, 1, 1, 1]), bright])
    mask = g.op('Max', [grown, g.op('Mul', [in_box, bright])])
    mask = g.op('Mul', [mask, g.op('Sub', [g.const(1.0), negative])])             # [1,1,128,128] in {0,1}

    logits = g.op('Sub', [g.op('Mul', [mask, g.const(2 * LOGIT)]), g.const(LOGIT)])
    g.op('Resize', [logits, '', '', g.const([1, 1, LOW, LOW], np.int64)], out='low_res_mask',
         mode='linear', coordinate_transformation_mode='half_pixel')
    g.op('Resize', [logits, '', '', g.const([1, 1, IMAGE, IMAGE], np.int64)], out='high_res_mask',
         mode='linear', coordinate_transformation_mode='half_pixel')

    area = g.op('ReduceSum', [mask, g.const([0, 1, 2, 3], np.int64)], keepdims=0)  # scalar
    appearing = g.gt(area, 0.0)
    score = g.op('Sub', [g.op('Mul', [appearing, g.const(2 * LOGIT)]), g.const(LOGIT)])
    g.reshape(score, [1, 1, 1], out='object_score_logits')
    g.reshape(g.op('Add', [g.op('Mul', [appearing, g.const(0.8)]), g.const(0.1)]), [1, 1], out='iou')

    safe = g.op('Max', [area, g.const(1.0)])
    cx = g.op('Div', [g.op('ReduceSum', [g.op('Mul', [mask, g.reshape(gx, [1, 1, 1, DEC])]), g.const([0, 1, 2, 3], np.int64)], keepdims=0), safe])
    cy = g.op('Div', [g.op('ReduceSum', [g.op('Mul', [mask, g.reshape(gy, [1, 1, DEC, 1])]), g.const([0, 1, 2, 3], np.int64)], keepdims=0), safe])
    parts = [appearing, g.op('Div', [area, g.const(float(DEC * DEC))]),
             g.op('Div', [cx, g.const(float(IMAGE))]), g.op('Div', [cy, g.const(float(IMAGE))])]
    vec = g.op('Concat', [g.reshape(p, [1]) for p in parts], axis=0)             # [4]
    vec = g.op('Pad', [vec, g.const([0, HIDDEN - 4], np.int64)], mode='constant')
    g.reshape(vec, [1, 1, HIDDEN], out='object_pointer')
    return g.build(
        [vi('feats0', FLOAT, [1, 32, DEC, DEC]), vi('feats1', FLOAT, [1, 64, GRID * 2, GRID * 2]),
         vi('feats2_cond', FLOAT, [1, HIDDEN, GRID, GRID]),
         vi('input_points', FLOAT, [1, 1, 'num_points', 2]), vi('input_labels', INT32, [1, 1, 'num_points'])],
        [vi('low_res_mask', FLOAT, [1, 1, LOW, LOW]), vi('high_res_mask', FLOAT, [1, 1, IMAGE, IMAGE]),
         vi('iou', FLOAT, [1, 1]), vi('object_score_logits', FLOAT, [1, 1, 1]),
         vi('object_pointer', FLOAT, [1, 1, HIDDEN])],
    )


def to_tokens(g, x, channels, out):
    """[1, C, GRID, GRID] -> [GRID*GRID, 1, C] (token = y * GRID + x), as SAM2's flatten(2).permute(2, 0, 1)."""
    return g.op('Transpose', [g.reshape(x, [1, channels, GRID * GRID])], out=out, perm=[2, 0, 1])


def memory_encoder():
    g = G('memory_encoder')
    hard = g.gt('high_res_mask', 0.0)
    soft = g.op('Sigmoid', ['high_res_mask'])
    mask = g.op('Where', [g.op('Greater', ['binarize', g.const(0.5)]), hard, soft])
    pooled = g.op('MaxPool', [mask], kernel_shape=[16, 16], strides=[16, 16])   # [1,1,32,32]
    present = g.reshape(g.gt('object_score_logits', 0.0), [1, 1, 1, 1])
    pooled = g.op('Mul', [pooled, present])
    bright = g.slice('feats2', [0], [1], [1])
    tokens = g.pad_channels(g.op('Concat', [pooled, bright], axis=1), 0, MEM_DIM - 2)
    to_tokens(g, tokens, MEM_DIM, 'memory_tokens')
    to_tokens(g, g.pad_channels(g.const(pos_grid(GRID)), 0, MEM_DIM - 2), MEM_DIM, 'memory_pos')
    return g.build(
        [vi('feats2', FLOAT, [1, HIDDEN, GRID, GRID]), vi('high_res_mask', FLOAT, [1, 1, IMAGE, IMAGE]),
         vi('object_score_logits', FLOAT, [1, 1]), vi('binarize', FLOAT, [])],
        [vi('memory_tokens', FLOAT, [GRID * GRID, 1, MEM_DIM]), vi('memory_pos', FLOAT, [GRID * GRID, 1, MEM_DIM])],
    )


def memory_attention():
    g = G('memory_attention')
    spatial = MEM_FRAMES * GRID * GRID
    held = g.slice('memory', [0, 0], [spatial, 1], [0, 2])                        # [7168,1,1]
    held = g.reshape(held, [MEM_FRAMES, GRID * GRID])
    union = g.op('ReduceMax', [held], axes=[0], keepdims=0)                      # [1024]
    union = g.reshape(g.gt(union, 0.5), [1, 1, GRID, GRID])
    union = g.pad_channels(union, 1, HIDDEN - 2)                                 # into channel 1
    feats = g.reshape(g.op('Transpose', ['current_vision_features'], perm=[1, 2, 0]), [1, HIDDEN, GRID, GRID])
    g.op('Add', [feats, union], out='conditioned_feats')
    return g.build(
        [vi('current_vision_features', FLOAT, [GRID * GRID, 1, HIDDEN]),
         vi('current_vision_position_embeddings', FLOAT, [GRID * GRID, 1, HIDDEN]),
         vi('memory', FLOAT, [ROWS, 1, MEM_DIM]), vi('memory_pos', FLOAT, [ROWS, 1, MEM_DIM])],
        [vi('conditioned_feats', FLOAT, [1, HIDDEN, GRID, GRID])],
    )


def pointer_tpos():
    g = G('pointer_tpos')
    freqs = np.array([math.pow(10000.0, -j / 32) for j in range(32)], np.float32).reshape(1, 32)
    phase = g.op('Mul', [g.op('Unsqueeze', ['normalized_diffs', g.const([1], np.int64)]), g.const(freqs)])
    g.op('Concat', [g.op('Sin', [phase]), g.op('Cos', [phase])], out='pointer_pos', axis=1)
    return g.build([vi('normalized_diffs', FLOAT, [POINTERS])], [vi('pointer_pos', FLOAT, [POINTERS, MEM_DIM])])


def constants():
    # 7 x 64 temporal table: row r = r / 10 in every column (distinct, easy to check by eye).
    table = [[round(r / 10, 1)] * MEM_DIM for r in range(MEM_FRAMES)]
    return {
        'model': 'slicesam-fixture',
        'image_size': IMAGE,
        'memory_frames': MEM_FRAMES,
        'max_object_pointers': POINTERS,
        'image_mean': MEAN,
        'image_std': STD,
        'memory_temporal_positional_encoding': table,
    }


GRAPHS = {
    'vision_encoder': vision_encoder,
    'mask_decoder': mask_decoder,
    'memory_encoder': memory_encoder,
    'memory_attention': memory_attention,
    'pointer_tpos': pointer_tpos,
}


def main(out):
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, build in GRAPHS.items():
        data = build().SerializeToString()
        (out / f'{name}.onnx').write_bytes(data)
        files[name] = data
    files['constants'] = (json.dumps(constants(), sort_keys=True, indent=1) + '\n').encode()
    (out / 'constants.json').write_bytes(files['constants'])
    manifest = {
        'id': f'fixture-{IMAGE}',
        'name': f'SliceSAM fixture (tiny synthetic graphs, {IMAGE} px)',
        'version': '2.1',
        'status': 'unverified',
        'precision': 'fp32',
        'imageSize': IMAGE,
        'bank': {'layout': 'fixed', 'rows': ROWS, 'memoryFrames': MEM_FRAMES, 'maxObjectPointers': POINTERS},
        'normalisation': {'mean': MEAN, 'std': STD},
        'files': {
            key: {
                'url': f'models/fixture/{key}.{"json" if key == "constants" else "onnx"}',
                'bytes': len(data),
                'sha256': hashlib.sha256(data).hexdigest(),
            }
            for key, data in files.items()
        },
        'origin': {'repository': 'slicesam/tools/fixture-model', 'license': 'MIT'},
        'notes': 'Test fixture generated by tools/fixture-model/make_fixture.py: the interface (names, dtypes, ranks) '
                 f'of square-zero-labs/sam2.1-tiny-video-onnx at {IMAGE} px, with a simple thresholding behaviour '
                 '(tools/fixture-model/README.md). Not SAM2: no trained weights. Status "unverified" because the '
                 'schema has no "fixture" status.',
    }
    (out / 'manifest.json').write_text(json.dumps(manifest, indent=2) + '\n')
    for key, data in files.items():
        print(f'{key}: {len(data)} bytes')


def configure(image: int) -> None:
    """Another input size (the benchmarks' 1024-px memory figures): the grids and the bank scale with it."""
    global IMAGE, GRID, DEC, ROWS
    IMAGE = image
    GRID = IMAGE // 16
    DEC = GRID * 4
    ROWS = MEM_FRAMES * GRID * GRID + POINTERS * TOKENS_PER_POINTER


if __name__ == '__main__':
    args = sys.argv[1:]
    if len(args) == 3 and args[1] == '--image-size' and args[2] in ('512', '1024'):
        configure(int(args[2]))
    elif len(args) != 1:
        sys.exit('usage: make_fixture.py OUTDIR [--image-size 512|1024]')
    main(Path(args[0]))
