using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.ControlFlow.Tests;

/// <summary>
/// TFLite_Detection_PostProcess on TFLM's kernel-test vectors (six boxes, two classes plus background, three
/// detections): inputs, FlexBuffer options and expected outputs are those of TFLM's detection_postprocess_test.
/// </summary>
public sealed class DetectionPostProcessTests
{
    // TFLM's generated FlexBuffer options: max_detections 3, max_classes_per_detection 1, detections_per_class 1,
    // nms_score_threshold 0, nms_iou_threshold 0.5, num_classes 2, y/x scale 10, h/w scale 5; use_regular_nms is the
    // byte at RegularFlagOffset.
    private static readonly byte[] Options =
    [
        0x6d, 0x61, 0x78, 0x5f, 0x64, 0x65, 0x74, 0x65, 0x63, 0x74, 0x69, 0x6f,
        0x6e, 0x73, 0x00, 0x6d, 0x61, 0x78, 0x5f, 0x63, 0x6c, 0x61, 0x73, 0x73,
        0x65, 0x73, 0x5f, 0x70, 0x65, 0x72, 0x5f, 0x64, 0x65, 0x74, 0x65, 0x63,
        0x74, 0x69, 0x6f, 0x6e, 0x00, 0x64, 0x65, 0x74, 0x65, 0x63, 0x74, 0x69,
        0x6f, 0x6e, 0x73, 0x5f, 0x70, 0x65, 0x72, 0x5f, 0x63, 0x6c, 0x61, 0x73,
        0x73, 0x00, 0x75, 0x73, 0x65, 0x5f, 0x72, 0x65, 0x67, 0x75, 0x6c, 0x61,
        0x72, 0x5f, 0x6e, 0x6d, 0x73, 0x00, 0x6e, 0x6d, 0x73, 0x5f, 0x73, 0x63,
        0x6f, 0x72, 0x65, 0x5f, 0x74, 0x68, 0x72, 0x65, 0x73, 0x68, 0x6f, 0x6c,
        0x64, 0x00, 0x6e, 0x6d, 0x73, 0x5f, 0x69, 0x6f, 0x75, 0x5f, 0x74, 0x68,
        0x72, 0x65, 0x73, 0x68, 0x6f, 0x6c, 0x64, 0x00, 0x6e, 0x75, 0x6d, 0x5f,
        0x63, 0x6c, 0x61, 0x73, 0x73, 0x65, 0x73, 0x00, 0x79, 0x5f, 0x73, 0x63,
        0x61, 0x6c, 0x65, 0x00, 0x78, 0x5f, 0x73, 0x63, 0x61, 0x6c, 0x65, 0x00,
        0x68, 0x5f, 0x73, 0x63, 0x61, 0x6c, 0x65, 0x00, 0x77, 0x5f, 0x73, 0x63,
        0x61, 0x6c, 0x65, 0x00, 0x0b, 0x78, 0x12, 0x94, 0xa4, 0x43, 0x58, 0x33,
        0x6a, 0x11, 0x22, 0x2b, 0x0b, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
        0x0b, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x40,
        0x01, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3f,
        0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0xa0, 0x40, 0x00, 0x00, 0x20, 0x41, 0x00, 0x00, 0x20, 0x41,
        0x06, 0x0e, 0x06, 0x06, 0x0e, 0x0e, 0x06, 0x6a, 0x0e, 0x0e, 0x0e, 0x37,
        0x26, 0x01,
    ];

    private const int RegularFlagOffset = 212;

    private static readonly float[] Encodings4 =
    [
        0, 0, 0, 0, 0, 1, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
    ];

    private static readonly float[] Encodings5 =
    [
        0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, -1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1,
    ];

    private static readonly float[] ScoresWithBackground = [0f, .9f, .8f, 0f, .75f, .72f, 0f, .6f, .5f, 0f, .93f, .95f, 0f, .5f, .4f, 0f, .3f, .2f];
    private static readonly float[] ScoresWithoutBackground = [.9f, .8f, .75f, .72f, .6f, .5f, .93f, .95f, .5f, .4f, .3f, .2f];

    private static readonly float[] Anchors =
    [
        0.5f, 0.5f, 1f, 1f, 0.5f, 0.5f, 1f, 1f, 0.5f, 0.5f, 1f, 1f,
        0.5f, 10.5f, 1f, 1f, 0.5f, 10.5f, 1f, 1f, 0.5f, 100.5f, 1f, 1f,
    ];

    private static MicroInterpreter Run(float[] encodings, int encodingSize, float[] scores, int columns, bool regular)
    {
        byte[] options = (byte[])Options.Clone();
        Assert.Equal(0, options[RegularFlagOffset]);
        if (regular) options[RegularFlagOffset] = 1;

        var builder = new ModelBuilder();
        SubgraphBuilder g = builder.AddSubgraph();
        int boxes = g.AddTensor("boxes", TensorType.Float32, [1, 6, encodingSize]);
        int classScores = g.AddTensor("scores", TensorType.Float32, [1, 6, columns]);
        int anchors = g.AddConstant<float>("anchors", TensorType.Float32, [6, 4], Anchors);
        int outBoxes = g.AddTensor("detection_boxes", TensorType.Float32, [1, 3, 4]);
        int outClasses = g.AddTensor("detection_classes", TensorType.Float32, [1, 3]);
        int outScores = g.AddTensor("detection_scores", TensorType.Float32, [1, 3]);
        int outCount = g.AddTensor("num_detections", TensorType.Float32, [1]);
        g.AddCustomOperator(OpResolver.DetectionPostProcessName, [boxes, classScores, anchors], [outBoxes, outClasses, outScores, outCount], options);
        g.SetInputs(boxes, classScores);
        g.SetOutputs(outBoxes, outClasses, outScores, outCount);

        var interpreter = new MicroInterpreter(Model.Load(builder.Build()), new OpResolver().AddDetectionPostProcess(), ArenaPoison.New(16 * 1024));
        interpreter.AllocateTensors();
        encodings.CopyTo(interpreter.Input(0).AsSpan<float>());
        scores.CopyTo(interpreter.Input(1).AsSpan<float>());
        interpreter.Invoke();
        return interpreter;
    }

    private static void AssertOutputs(MicroInterpreter interpreter, float[] boxes, float[] classes, float[] scores, float count, float tolerance)
    {
        void Near(float[] expected, int output)
        {
            ReadOnlySpan<float> actual = interpreter.Output(output).AsReadOnlySpan<float>();
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(actual[i] - expected[i]) <= tolerance, $"output {output}[{i}] = {actual[i]}, expected {expected[i]}");
        }
        Near(boxes, 0);
        Near(classes, 1);
        Near(scores, 2);
        Near([count], 3);
    }

    private static readonly float[] FastBoxes = [0, 10, 1, 11, 0, 0, 1, 1, 0, 100, 1, 101];
    private static readonly float[] RegularBoxes = [0, 10, 1, 11, 0, 10, 1, 11, 0, 0, 0, 0];

    [Fact]
    public void FastNmsMatchesTflm()
        => AssertOutputs(Run(Encodings4, 4, ScoresWithBackground, 3, regular: false), FastBoxes, [1, 0, 0], [0.95f, 0.9f, 0.3f], 3, 0f);

    [Fact]
    public void RegularNmsMatchesTflm()
        => AssertOutputs(Run(Encodings4, 4, ScoresWithBackground, 3, regular: true), RegularBoxes, [1, 0, 0], [0.95f, 0.9f, 0f], 2, 1e-1f);

    [Fact]
    public void FastNmsWithoutBackgroundClassAndKeypointsMatchesTflm()
        => AssertOutputs(Run(Encodings5, 5, ScoresWithoutBackground, 2, regular: false), FastBoxes, [1, 0, 0], [0.95f, 0.9f, 0.3f], 3, 0f);

    [Fact]
    public void RegularNmsWithoutBackgroundClassMatchesTflm()
        => AssertOutputs(Run(Encodings4, 4, ScoresWithoutBackground, 2, regular: true), RegularBoxes, [1, 0, 0], [0.95f, 0.9f, 0f], 2, 1e-1f);

    [Fact]
    public void FastNmsWithBackgroundClassAndKeypointsMatchesTflm()
        => AssertOutputs(Run(Encodings5, 5, ScoresWithBackground, 3, regular: false), FastBoxes, [1, 0, 0], [0.95f, 0.9f, 0.3f], 3, 0f);
}
