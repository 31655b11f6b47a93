namespace TfLiteMicro.Signal.Tests.Kernels;

/// <summary>The stateful ops (framer, stacker, delay, overlap-add), run the way TFLM's tests run them, including Reset.</summary>
public class StreamingOpTests
{
    [Theory]
    [InlineData("FramerTest_3_1_0", false)]
    [InlineData("FramerTest_5_2_1", false)]
    [InlineData("FramerTest_5_2_1_NFrames2", false)]
    [InlineData("FramerTest_5_2_1_NFrames2OuterDims4", false)]
    [InlineData("TestReset", true)]
    public void FramerMatchesTflm(string name, bool reset)
    {
        TflmTest t = TflmVectors.Test("FramerTest", name);
        FlexBufferMap options = FlexBuffer.GetRoot(t.Options).AsMap();
        int frameSize = options["frame_size"].AsInt32();
        int frameStep = options["frame_step"].AsInt32();
        bool prefill = options["prefill"].AsBool();
        int[] inputShape = t.Shape("input_dims_data");
        int[] outputShape = t.Shape("output_dims_data");
        short[] golden = SingleOp.ToArray<short>(t.Array("golden"));
        int latency = frameSize - frameStep;
        int inputSize = inputShape[^1];
        int outerDims = inputShape.Take(inputShape.Length - 1).Aggregate(1, (a, b) => a * b);
        int frames = outputShape[^2];
        Assert.Equal(frameSize, outputShape[^1]);

        var op = SingleOp.Create("SignalFramer", t.Options, [(TensorType.Int16, inputShape)], [(TensorType.Int16, outputShape), (TensorType.Bool, [])]);
        for (int pass = 0; pass < (reset ? 2 : 1); pass++)
        {
            if (pass == 1) op.Interpreter.Reset();
            for (int i = 0; i < golden.Length - latency; i += inputSize)
            {
                short[] input = new short[outerDims * inputSize];
                for (int d = 0; d < outerDims; d++) Array.Copy(golden, latency + i, input, d * inputSize, inputSize);
                op.SetInput<short>(0, input);
                op.Invoke();
                bool ready = op.Output<bool>(1)[0];
                Assert.Equal(i >= latency || prefill, ready);
                if (!ready) continue;
                short[] output = op.Output<short>(0);
                for (int d = 0; d < outerDims; d++)
                {
                    for (int f = 0; f < frames; f++)
                    {
                        Assert.Equal(golden.AsSpan(i + f * frameStep, frameSize).ToArray(),
                            output.AsSpan(d * frameSize * frames + f * frameSize, frameSize).ToArray());
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData("StackerTest3ChannelStep1", false)]
    [InlineData("StackerTest10ChannelStep2_1stTest", false)]
    [InlineData("StackerTest10ChannelStep2_2ndTest", false)]
    [InlineData("StackerTestReset3ChannelStep1", true)]
    [InlineData("StackerTestReset10ChannelStep2_1stTest", true)]
    [InlineData("StackerTestReset10ChannelStep2_2ndTest", true)]
    public void StackerMatchesTflm(string name, bool reset)
    {
        TflmTest t = TflmVectors.Test("StackerTest", name);
        var op = SingleOp.Create("SignalStacker", t.Options,
            [(TensorType.Int16, t.Shape("input_shape"))], [(TensorType.Int16, t.Shape("output_shape")), (TensorType.Bool, [])]);
        op.SetInput<short>(0, t.Array("input"));
        for (int pass = 0; pass < (reset ? 2 : 1); pass++)
        {
            if (pass == 1) op.Interpreter.Reset();
            op.Invoke();
            Assert.True(op.Output<bool>(1)[0]);
            Assert.Equal(SingleOp.ToArray<short>(t.Array("golden")), op.Output<short>(0));
        }
    }

    [Fact]
    public void StackerWaitsForItsRightContext()
    {
        // Left context 1, right context 1, step 1, 2 channels: options {"num_channels":2, "stacker_left_context":1,
        // "stacker_right_context":1, "stacker_step":1}, written by hand in the FlexBuffers layout.
        byte[] options = HandBuiltStackerOptions(channels: 2, left: 1, right: 1, step: 1);
        var op = SingleOp.Create("SignalStacker", options, [(TensorType.Int16, [2])], [(TensorType.Int16, [6]), (TensorType.Bool, [])]);
        op.SetInput<short>(0, [1, 2]);
        op.Invoke();
        Assert.False(op.Output<bool>(1)[0]);
        op.SetInput<short>(0, [3, 4]);
        op.Invoke();
        Assert.True(op.Output<bool>(1)[0]);
        Assert.Equal(new short[] { 1, 2, 1, 2, 3, 4 }, op.Output<short>(0));
        op.SetInput<short>(0, [5, 6]);
        op.Invoke();
        Assert.Equal(new short[] { 1, 2, 3, 4, 5, 6 }, op.Output<short>(0));
    }

    internal static byte[] HandBuiltStackerOptions(int channels, int left, int right, int step)
    {
        var bytes = new List<byte>();
        string[] keys = ["num_channels", "stacker_left_context", "stacker_right_context", "stacker_step"];
        var keyPositions = new List<int>();
        foreach (string key in keys)
        {
            keyPositions.Add(bytes.Count);
            bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(key));
            bytes.Add(0);
        }
        bytes.Add((byte)keys.Length);
        int keysVector = bytes.Count;
        for (int i = 0; i < keys.Length; i++) bytes.Add((byte)(bytes.Count - keyPositions[i]));
        bytes.Add((byte)(bytes.Count - keysVector));
        bytes.Add(1);
        bytes.Add((byte)keys.Length);
        int values = bytes.Count;
        bytes.AddRange([(byte)channels, (byte)left, (byte)right, (byte)step, 4, 4, 4, 4]);
        bytes.Add((byte)(bytes.Count - values));
        bytes.Add(0x24);
        bytes.Add(1);
        return [.. bytes];
    }

    [Theory]
    [InlineData("DelayTestSingleDimDelayLessThanFrameSize", false)]
    [InlineData("DelayTestSingleDimDelayGreaterThanFrameSize", false)]
    [InlineData("DelayTestMultiDimDelayLessThanFrameSize", false)]
    [InlineData("DelayTestMultiDimDelayGreaterThanFrameSize", false)]
    [InlineData("DelayTestResetSingleDimDelayLessThanFrameSize", true)]
    [InlineData("DelayTestResetSingleResetDimDelayGreaterThanFrameSize", true)]
    public void DelayMatchesTflm(string name, bool reset)
    {
        TflmTest t = TflmVectors.Test("DelayTest", name);
        int[] shape = t.Shape("input_shape");
        int inputSize = shape.Aggregate(1, (a, b) => a * b);
        short[] input = SingleOp.ToArray<short>(t.Array("input"));
        short[] golden = SingleOp.ToArray<short>(t.Array("golden"));
        var op = SingleOp.Create("SignalDelay", t.Options, [(TensorType.Int16, shape)], [(TensorType.Int16, t.Shape("output_shape"))]);
        for (int pass = 0; pass < (reset ? 2 : 1); pass++)
        {
            if (pass == 1) op.Interpreter.Reset();
            for (int i = 0; i < input.Length / inputSize; i++)
            {
                op.SetInput<short>(0, input.AsSpan(i * inputSize, inputSize));
                op.Invoke();
                Assert.Equal(golden.AsSpan(i * inputSize, inputSize).ToArray(), op.Output<short>(0));
            }
        }
    }

    [Theory]
    [InlineData("OverlapAddTestInt16", false)]
    [InlineData("OverlapAddTestFloat", false)]
    [InlineData("OverlapAddTestNframes4Int16", false)]
    [InlineData("OverlapAddTestNframes4OuterDims4Int16", false)]
    [InlineData("testReset", true)]
    public void OverlapAddMatchesTflm(string name, bool reset)
    {
        TflmTest t = TflmVectors.Test("OverlapAddTest", name);
        if (name.Contains("Float", StringComparison.Ordinal)) RunOverlapAdd<float>(t, TensorType.Float32, reset);
        else RunOverlapAdd<short>(t, TensorType.Int16, reset);
    }

    private static void RunOverlapAdd<T>(TflmTest t, TensorType type, bool reset) where T : unmanaged
    {
        int frameStep = FlexBuffer.GetRoot(t.Options).AsMap()["frame_step"].AsInt32();
        int[] inputShape = t.Shape("input_dims_data");
        int frameSize = inputShape[^1];
        int frames = inputShape[^2];
        int outerDims = inputShape.Take(inputShape.Length - 2).Aggregate(1, (a, b) => a * b);
        T[] goldenInput = SingleOp.ToArray<T>(t.Array("golden_input"));
        T[] goldenOutput = SingleOp.ToArray<T>(t.Array("golden_output"));
        int iterations = goldenInput.Length / (frames * frameSize);
        var op = SingleOp.Create("SignalOverlapAdd", t.Options, [(type, inputShape)], [(type, t.Shape("output_dims_data"))]);
        for (int pass = 0; pass < (reset ? 2 : 1); pass++)
        {
            if (pass == 1) op.Interpreter.Reset();
            for (int i = 0; i < iterations; i++)
            {
                var input = new T[outerDims * frames * frameSize];
                for (int d = 0; d < outerDims; d++) Array.Copy(goldenInput, i * frames * frameSize, input, d * frames * frameSize, frames * frameSize);
                op.SetInput<T>(0, input);
                op.Invoke();
                T[] output = op.Output<T>(0);
                for (int d = 0; d < outerDims; d++)
                {
                    Assert.Equal(goldenOutput.AsSpan(i * frames * frameStep, frames * frameStep).ToArray(),
                        output.AsSpan(d * frames * frameStep, frames * frameStep).ToArray());
                }
            }
        }
    }
}
