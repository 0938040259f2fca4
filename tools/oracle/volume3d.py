"""The first 3D volume of a nibabel image, as an array (a 4th dimension dropped,
missing ones added): shared by the oracle scripts that compare images."""
import numpy as np


def volume3d(img):
    data = np.asanyarray(img.dataobj)
    while data.ndim > 3:
        data = data[..., 0]
    while data.ndim < 3:
        data = data[..., np.newaxis]
    return data
