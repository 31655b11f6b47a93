namespace TfLiteMicro.Kernels;

/// <summary>
/// TFLite_Detection_PostProcess (custom op of SSD detectors, float32): decodes box encodings against anchors
/// (center-size with y/x/h/w scales), then keeps the best boxes by non-max suppression, either per class ("regular")
/// or on each box's best classes ("fast"), as TFLM computes it. Outputs: boxes [1, max, 4] (ymin, xmin, ymax, xmax),
/// classes [1, max], scores [1, max], number of detections [1]. Options come as a FlexBuffer map.
/// Register it with <see cref="OpResolver.AddDetectionPostProcess"/>.
/// </summary>
internal sealed class DetectionPostProcess : IKernel
{
    /// <summary>The custom operator name TensorFlow's converter writes.</summary>
    public const string OperatorName = "TFLite_Detection_PostProcess";

    private const int DefaultDetectionsPerClass = 100;

    private int _maxDetections, _maxClassesPerDetection, _detectionsPerClass, _numClasses;
    private bool _regular;
    private float _scoreThreshold, _iouThreshold;
    private float _yScale, _xScale, _hScale, _wScale;
    private int _boxes, _encodingSize, _classesWithBackground, _labelOffset;
    private int _decoded, _active, _keepScores, _keepIndices, _sorted, _classScores, _boxBuffer, _scoreBuffer, _sortedIndices, _sortedValues, _selected;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(3, 3, 4);
        ReadOptions(context);

        Tensor encodings = context.Input(0);
        Tensor predictions = context.Input(1);
        Tensor anchors = context.Input(2);
        if (encodings.Type != TensorType.Float32) throw context.UnsupportedType("box encodings", encodings.Type);
        if (predictions.Type != TensorType.Float32) throw context.UnsupportedType("class predictions", predictions.Type);
        if (anchors.Type != TensorType.Float32) throw context.UnsupportedType("anchors", anchors.Type);
        if (encodings.Rank != 3 || encodings.Dim(0) != 1 || encodings.Dim(2) < 4)
            throw context.Error($"box encodings must be [1, boxes, 4 or more], are [{string.Join(",", encodings.ShapeArray)}]");
        _boxes = encodings.Dim(1);
        _encodingSize = encodings.Dim(2);
        if (predictions.Rank != 3 || predictions.Dim(0) != 1 || predictions.Dim(1) != _boxes)
            throw context.Error($"class predictions must be [1, {_boxes}, classes], are [{string.Join(",", predictions.ShapeArray)}]");
        _classesWithBackground = predictions.Dim(2);
        _labelOffset = _classesWithBackground - _numClasses;
        if (_labelOffset is < 0 or > 1)
            throw context.Error($"class predictions have {_classesWithBackground} columns for {_numClasses} classes (at most one background column allowed)");
        if (anchors.Rank != 2 || anchors.Dim(0) != _boxes || anchors.Dim(1) != 4)
            throw context.Error($"anchors must be [{_boxes}, 4], are [{string.Join(",", anchors.ShapeArray)}]");
        for (int i = 0; i < 4; i++)
            if (context.Output(i).Type != TensorType.Float32) throw context.UnsupportedType($"output {i}", context.Output(i).Type);
        if (context.Output(0).ElementCount < _maxDetections * 4 || context.Output(1).ElementCount < _maxDetections
            || context.Output(2).ElementCount < _maxDetections || context.Output(3).ElementCount < 1)
            throw context.Error($"the outputs must hold {_maxDetections} detections");

        long boxes = Math.Max(1, _boxes);
        long candidates = boxes + _maxDetections;
        _decoded = Scratch(context, boxes * 4 * sizeof(float));
        _active = Scratch(context, boxes);
        _keepScores = Scratch(context, boxes * sizeof(float));
        _keepIndices = Scratch(context, boxes * sizeof(int));
        _sorted = Scratch(context, candidates * sizeof(int));
        _classScores = Scratch(context, boxes * sizeof(float));
        _boxBuffer = Scratch(context, Math.Max(candidates, boxes * _numClasses) * sizeof(int));
        _scoreBuffer = Scratch(context, candidates * sizeof(float));
        _sortedIndices = Scratch(context, candidates * sizeof(int));
        _sortedValues = Scratch(context, candidates * sizeof(float));
        _selected = Scratch(context, boxes * sizeof(int));
    }

    private static int Scratch(PrepareContext context, long bytes)
        => bytes > int.MaxValue ? throw context.Error("the detection buffers are too large") : context.RequestScratch((int)bytes);

    private void ReadOptions(PrepareContext context)
    {
        if (context.CustomOptions.IsEmpty) throw context.Error("the options (a FlexBuffer map) are missing");
        FlexBufferReference root = FlexBuffer.GetRoot(context.CustomOptions);
        if (!root.IsMap) throw context.Error("the options are not a FlexBuffer map");
        FlexBufferMap map = root.AsMap();
        int Int(string key, int fallback) => map.TryGetValue(key, out FlexBufferReference v) && !v.IsNull ? v.AsInt32() : fallback;
        float Float(string key) => map.TryGetValue(key, out FlexBufferReference v) && !v.IsNull ? v.AsSingle() : 0f;
        _maxDetections = Int("max_detections", 0);
        _maxClassesPerDetection = Int("max_classes_per_detection", 0);
        _detectionsPerClass = Int("detections_per_class", DefaultDetectionsPerClass);
        _regular = map.TryGetValue("use_regular_nms", out FlexBufferReference regular) && !regular.IsNull && regular.AsBool();
        _scoreThreshold = Float("nms_score_threshold");
        _iouThreshold = Float("nms_iou_threshold");
        _numClasses = Int("num_classes", 0);
        _yScale = Float("y_scale");
        _xScale = Float("x_scale");
        _hScale = Float("h_scale");
        _wScale = Float("w_scale");
        if (_maxDetections < 0) throw context.Error($"max_detections {_maxDetections} is negative");
        if (_numClasses <= 0) throw context.Error($"num_classes {_numClasses} must be positive");
        if (!(_iouThreshold > 0f && _iouThreshold <= 1f)) throw context.Error($"nms_iou_threshold {_iouThreshold} must be in (0, 1]");
        if (_regular && _detectionsPerClass <= 0) throw context.Error($"detections_per_class {_detectionsPerClass} must be positive");
        if (!_regular && _maxClassesPerDetection <= 0) throw context.Error($"max_classes_per_detection {_maxClassesPerDetection} must be positive");
    }

    public void Invoke(InvokeContext context)
    {
        Decode(context);
        if (_regular) RegularNonMaxSuppression(context);
        else FastNonMaxSuppression(context);
    }

    private void Decode(InvokeContext context)
    {
        ReadOnlySpan<float> encodings = context.Input<float>(0);
        ReadOnlySpan<float> anchors = context.Input<float>(2);
        Span<float> decoded = context.Scratch<float>(_decoded);
        for (int i = 0; i < _boxes; i++)
        {
            ReadOnlySpan<float> e = encodings.Slice(i * _encodingSize, 4);
            ReadOnlySpan<float> a = anchors.Slice(i * 4, 4);
            // Encodings and anchors are (y, x, h, w); the arithmetic is in double, as TFLM does it.
            float yCenter = (float)((double)e[0] / _yScale * a[2] + a[0]);
            float xCenter = (float)((double)e[1] / _xScale * a[3] + a[1]);
            float halfH = (float)(0.5 * Math.Exp((double)e[2] / _hScale) * a[2]);
            float halfW = (float)(0.5 * Math.Exp((double)e[3] / _wScale) * a[3]);
            decoded[i * 4] = yCenter - halfH;
            decoded[i * 4 + 1] = xCenter - halfW;
            decoded[i * 4 + 2] = yCenter + halfH;
            decoded[i * 4 + 3] = xCenter + halfW;
        }
    }

    // Sorts indices by decreasing value, ties by increasing index (the order TFLM's stable and partial sorts give).
    private static void SortDecreasing(ReadOnlySpan<float> values, Span<int> indices)
    {
        for (int i = 0; i < indices.Length; i++) indices[i] = i;
        for (int i = 1; i < indices.Length; i++)
        {
            int item = indices[i];
            float v = values[item];
            int j = i - 1;
            while (j >= 0 && (values[indices[j]] < v || (values[indices[j]] == v && indices[j] > item)))
            {
                indices[j + 1] = indices[j];
                j--;
            }
            indices[j + 1] = item;
        }
    }

    private static float IntersectionOverUnion(ReadOnlySpan<float> boxes, int i, int j)
    {
        ReadOnlySpan<float> a = boxes.Slice(i * 4, 4);
        ReadOnlySpan<float> b = boxes.Slice(j * 4, 4);
        float areaA = (a[2] - a[0]) * (a[3] - a[1]);
        float areaB = (b[2] - b[0]) * (b[3] - b[1]);
        if (areaA <= 0 || areaB <= 0) return 0f;
        float yMin = MathF.Max(a[0], b[0]);
        float xMin = MathF.Max(a[1], b[1]);
        float yMax = MathF.Min(a[2], b[2]);
        float xMax = MathF.Min(a[3], b[3]);
        float intersection = MathF.Max(yMax - yMin, 0f) * MathF.Max(xMax - xMin, 0f);
        return intersection / (areaA + areaB - intersection);
    }

    // Greedy non-max suppression of one score column; returns how many box indices it wrote to selected.
    private int SingleClass(InvokeContext context, ReadOnlySpan<float> scores, Span<int> selected, int maxDetections)
    {
        ReadOnlySpan<float> decoded = context.Scratch<float>(_decoded);
        for (int i = 0; i < _boxes; i++)
            if (decoded[i * 4] >= decoded[i * 4 + 2] || decoded[i * 4 + 1] >= decoded[i * 4 + 3])
                throw context.Error($"decoded box {i} is empty or inverted");

        Span<float> keepScores = context.Scratch<float>(_keepScores);
        Span<int> keepIndices = context.Scratch<int>(_keepIndices);
        int kept = 0;
        for (int i = 0; i < _boxes; i++)
        {
            if (scores[i] >= _scoreThreshold)
            {
                keepScores[kept] = scores[i];
                keepIndices[kept] = i;
                kept++;
            }
        }
        Span<int> order = context.Scratch<int>(_sorted).Slice(0, kept);
        SortDecreasing(keepScores.Slice(0, kept), order);

        int outputSize = Math.Min(kept, maxDetections);
        int count = 0;
        int activeCount = kept;
        Span<byte> active = context.Scratch<byte>(_active);
        active.Slice(0, kept).Fill(1);
        for (int i = 0; i < kept; i++)
        {
            if (activeCount == 0 || count >= outputSize) break;
            if (active[i] == 0) continue;
            int box = keepIndices[order[i]];
            selected[count++] = box;
            active[i] = 0;
            activeCount--;
            for (int j = i + 1; j < kept; j++)
            {
                if (active[j] == 1 && IntersectionOverUnion(decoded, box, keepIndices[order[j]]) > _iouThreshold)
                {
                    active[j] = 0;
                    activeCount--;
                }
            }
        }
        return count;
    }

    private void RegularNonMaxSuppression(InvokeContext context)
    {
        ReadOnlySpan<float> scores = context.Input<float>(1);
        Span<float> classScores = context.Scratch<float>(_classScores);
        Span<int> boxIndices = context.Scratch<int>(_boxBuffer);
        Span<float> boxScores = context.Scratch<float>(_scoreBuffer);
        Span<float> sortedValues = context.Scratch<float>(_sortedValues);
        Span<int> selected = context.Scratch<int>(_selected);
        int size = 0;
        for (int c = 0; c < _numClasses; c++)
        {
            for (int row = 0; row < _boxes; row++) classScores[row] = scores[row * _classesWithBackground + c + _labelOffset];
            int selectedCount = SingleClass(context, classScores.Slice(0, _boxes), selected, _detectionsPerClass);
            int count = size;
            for (int i = 0; i < selectedCount; i++)
            {
                boxIndices[count] = selected[i] * _classesWithBackground + c + _labelOffset;
                boxScores[count] = classScores[selected[i]];
                count++;
            }
            int keep = Math.Min(count, _maxDetections);
            Span<int> order = context.Scratch<int>(_sorted).Slice(0, count);
            SortDecreasing(boxScores.Slice(0, count), order);
            Span<int> sortedIndices = context.Scratch<int>(_sortedIndices);
            for (int row = 0; row < keep; row++)
            {
                sortedIndices[row] = boxIndices[order[row]];
                sortedValues[row] = boxScores[order[row]];
            }
            for (int row = 0; row < keep; row++)
            {
                boxIndices[row] = sortedIndices[row];
                boxScores[row] = sortedValues[row];
            }
            size = keep;
        }

        ReadOnlySpan<float> decoded = context.Scratch<float>(_decoded);
        Span<float> outBoxes = context.Output<float>(0);
        Span<float> outClasses = context.Output<float>(1);
        Span<float> outScores = context.Output<float>(2);
        for (int i = 0; i < _maxDetections; i++)
        {
            if (i < size)
            {
                int anchor = boxIndices[i] / _classesWithBackground;
                int label = boxIndices[i] - anchor * _classesWithBackground - _labelOffset;
                decoded.Slice(anchor * 4, 4).CopyTo(outBoxes.Slice(i * 4, 4));
                outClasses[i] = label;
                outScores[i] = boxScores[i];
            }
            else
            {
                outBoxes.Slice(i * 4, 4).Clear();
                outClasses[i] = 0f;
                outScores[i] = 0f;
            }
        }
        context.Output<float>(3)[0] = size;
    }

    private void FastNonMaxSuppression(InvokeContext context)
    {
        ReadOnlySpan<float> scores = context.Input<float>(1);
        int perAnchor = Math.Min(_maxClassesPerDetection, _numClasses);
        Span<float> maxScores = context.Scratch<float>(_classScores);
        Span<int> classOrder = context.Scratch<int>(_boxBuffer);
        for (int row = 0; row < _boxes; row++)
        {
            ReadOnlySpan<float> boxScores = scores.Slice(row * _classesWithBackground + _labelOffset, _numClasses);
            Span<int> order = classOrder.Slice(row * _numClasses, _numClasses);
            SortDecreasing(boxScores, order);
            maxScores[row] = boxScores[order[0]];
        }
        Span<int> selected = context.Scratch<int>(_selected);
        int selectedCount = SingleClass(context, maxScores.Slice(0, _boxes), selected, _maxDetections);

        ReadOnlySpan<float> decoded = context.Scratch<float>(_decoded);
        Span<float> outBoxes = context.Output<float>(0);
        Span<float> outClasses = context.Output<float>(1);
        Span<float> outScores = context.Output<float>(2);
        outBoxes.Clear();
        outClasses.Clear();
        outScores.Clear();
        int written = 0;
        for (int i = 0; i < selectedCount; i++)
        {
            int box = selected[i];
            ReadOnlySpan<float> boxScores = scores.Slice(box * _classesWithBackground + _labelOffset, _numClasses);
            ReadOnlySpan<int> order = classOrder.Slice(box * _numClasses, _numClasses);
            for (int c = 0; c < perAnchor; c++)
            {
                // TFLM places each entry at perAnchor * (entries so far) + c; kept as is, with a bounds check.
                int slot = perAnchor * written + c;
                if (slot >= outClasses.Length || slot >= outScores.Length || slot * 4 + 4 > outBoxes.Length)
                    throw context.Error($"detection {slot} does not fit the outputs");
                decoded.Slice(box * 4, 4).CopyTo(outBoxes.Slice(slot * 4, 4));
                outClasses[slot] = order[c];
                outScores[slot] = boxScores[order[c]];
                written++;
            }
        }
        context.Output<float>(3)[0] = written;
    }
}
