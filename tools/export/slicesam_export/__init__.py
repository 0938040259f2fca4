"""SAM2-family checkpoint -> the five ONNX graphs + constants.json + manifest the SliceSAM engine loads."""
