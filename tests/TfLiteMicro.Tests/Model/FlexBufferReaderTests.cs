namespace TfLiteMicro.Tests.ModelFormat;

public class FlexBufferReaderTests
{
    // {"shift": 12}: TFLM's window kernel test options.
    private static readonly byte[] s_windowShift12 =
    [
        0x73, 0x68, 0x69, 0x66, 0x74, 0x00, 0x01, 0x07,
        0x01, 0x01, 0x01, 0x0c, 0x04, 0x02, 0x24, 0x01,
    ];

    // TFLM's detection postprocess options: a map of 11 keys, 4-byte values (ints, floats, a bool), 1-byte keys.
    private static readonly byte[] s_detectionPostprocess =
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
        0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
        0x00, 0x00, 0xa0, 0x40, 0x00, 0x00, 0x20, 0x41, 0x00, 0x00, 0x20, 0x41,
        0x06, 0x0e, 0x06, 0x06, 0x0e, 0x0e, 0x06, 0x6a, 0x0e, 0x0e, 0x0e, 0x37,
        0x26, 0x01,
    ];

    [Fact]
    public void ReadsSingleKeyMap()
    {
        FlexBufferReference root = FlexBuffer.GetRoot(s_windowShift12);
        Assert.Equal(FlexBufferType.Map, root.Type);
        FlexBufferMap map = root.AsMap();
        Assert.Equal(1, map.Length);
        Assert.Equal("shift", map.Key(0));
        Assert.Equal(12, map["shift"].AsInt32());
        Assert.Equal(12, map.Values.ElementAsInt32(0));
        Assert.Equal(12, root.AsVector().ElementAsInt32(0));
        Assert.False(map.ContainsKey("shif"));
        Assert.False(map.ContainsKey("shifts"));
    }

    [Fact]
    public void ReadsWideMapWithMixedTypes()
    {
        FlexBufferMap map = FlexBuffer.GetRoot(s_detectionPostprocess).AsMap();
        Assert.Equal(11, map.Length);
        for (int i = 1; i < map.Length; i++)
            Assert.True(string.CompareOrdinal(map.Key(i - 1), map.Key(i)) < 0);
        Assert.Equal(3, map["max_detections"].AsInt32());
        Assert.Equal(1, map["max_classes_per_detection"].AsInt32());
        Assert.Equal(1, map["detections_per_class"].AsInt32());
        Assert.Equal(2, map["num_classes"].AsInt32());
        Assert.Equal(0.5f, map["nms_iou_threshold"].AsSingle());
        Assert.Equal(0.0f, map["nms_score_threshold"].AsSingle());
        Assert.Equal(10.0f, map["y_scale"].AsSingle());
        Assert.Equal(10.0f, map["x_scale"].AsSingle());
        Assert.Equal(5.0f, map["h_scale"].AsSingle());
        Assert.Equal(5.0f, map["w_scale"].AsSingle());
        Assert.True(map["use_regular_nms"].IsBool);
        Assert.True(map["use_regular_nms"].AsBool());
        Assert.True(map["nms_iou_threshold"].IsFloat);
        Assert.Equal(FlexBufferType.Int, map["num_classes"].Type);
    }

    [Fact]
    public void ReadsRootScalars()
    {
        Assert.Equal(42, FlexBuffer.GetRoot(new byte[] { 0x2A, 0x04, 0x01 }).AsInt32());
        Assert.Equal(-2, FlexBuffer.GetRoot(new byte[] { 0xFE, 0xFF, 0x05, 0x02 }).AsInt64());
        Assert.Equal(200u, FlexBuffer.GetRoot(new byte[] { 0xC8, 0x08, 0x01 }).AsUInt32());
        Assert.Equal(1.5f, FlexBuffer.GetRoot(new byte[] { 0x00, 0x00, 0xC0, 0x3F, 0x0E, 0x04 }).AsSingle());
        Assert.Equal(-0.25, FlexBuffer.GetRoot(new byte[] { 0, 0, 0, 0, 0, 0, 0xD0, 0xBF, 0x0F, 0x08 }).AsDouble());
        Assert.True(FlexBuffer.GetRoot(new byte[] { 0x01, 0x68, 0x01 }).AsBool());
        Assert.True(FlexBuffer.GetRoot(new byte[] { 0x00, 0x00, 0x01 }).IsNull);
    }

    [Fact]
    public void ReadsIndirectScalars()
    {
        // An int16 stored out of line: value at 0, offset 2 back from byte 2, type IndirectInt with width 2.
        Assert.Equal(-300, FlexBuffer.GetRoot(new byte[] { 0xD4, 0xFE, 0x02, 0x19, 0x01 }).AsInt32());
        // A float stored out of line.
        Assert.Equal(2.5f, FlexBuffer.GetRoot(new byte[] { 0x00, 0x00, 0x20, 0x40, 0x04, 0x22, 0x01 }).AsSingle());
    }

    [Fact]
    public void ReadsStringKeyAndBlob()
    {
        FlexBufferReference s = FlexBuffer.GetRoot(new byte[] { 0x03, 0x61, 0x62, 0x63, 0x00, 0x04, 0x14, 0x01 });
        Assert.True(s.IsString);
        Assert.Equal("abc", s.AsString());
        FlexBufferReference key = FlexBuffer.GetRoot(new byte[] { 0x6B, 0x79, 0x00, 0x03, 0x10, 0x01 });
        Assert.Equal("ky", key.AsKey());
        FlexBufferReference blob = FlexBuffer.GetRoot(new byte[] { 0x02, 0xAA, 0xBB, 0x02, 0x64, 0x01 });
        Assert.Equal(new byte[] { 0xAA, 0xBB }, blob.AsBlob().ToArray());
    }

    [Fact]
    public void ReadsVectors()
    {
        // Untyped: [7, true, 200u] with their type bytes after the elements.
        FlexBufferVector untyped = FlexBuffer.GetRoot(new byte[] { 0x03, 0x07, 0x01, 0xC8, 0x04, 0x68, 0x08, 0x06, 0x28, 0x01 }).AsVector();
        Assert.False(untyped.IsTyped);
        Assert.Equal(3, untyped.Length);
        Assert.Equal(7, untyped.ElementAsInt32(0));
        Assert.True(untyped[1].IsBool);
        Assert.True(untyped.ElementAsBool(1));
        Assert.Equal(FlexBufferType.UInt, untyped[2].Type);
        Assert.Equal(200, untyped.ElementAsInt32(2));

        // Typed int16 vector [1, -2, 300].
        FlexBufferVector typed = FlexBuffer.GetRoot(new byte[] { 0x03, 0x00, 0x01, 0x00, 0xFE, 0xFF, 0x2C, 0x01, 0x06, 0x2D, 0x01 }).AsVector();
        Assert.True(typed.IsTyped);
        Assert.Equal(new[] { 1, -2, 300 }, typed.ToInt32Array());

        // Fixed-length typed vector of three ints (no length field).
        FlexBufferVector fixed3 = FlexBuffer.GetRoot(new byte[] { 0x01, 0x02, 0x03, 0x03, 0x4C, 0x01 }).AsVector();
        Assert.Equal(new[] { 1, 2, 3 }, fixed3.ToInt32Array());

        // Typed float vector [0.5, -1].
        FlexBufferVector floats = FlexBuffer.GetRoot(new byte[] { 0x02, 0, 0, 0, 0, 0, 0, 0x3F, 0, 0, 0x80, 0xBF, 0x08, 0x36, 0x01 }).AsVector();
        Assert.Equal(0.5f, floats.ElementAsSingle(0));
        Assert.Equal(-1f, floats.ElementAsSingle(1));

        // Bool vector.
        FlexBufferVector bools = FlexBuffer.GetRoot(new byte[] { 0x02, 0x01, 0x00, 0x02, 0x90, 0x01 }).AsVector();
        Assert.True(bools.ElementAsBool(0));
        Assert.False(bools.ElementAsBool(1));
    }

    private static InvalidModelException Bad(byte[] bytes, Func<FlexBufferReference, object> read)
        => Assert.Throws<InvalidModelException>(() => read(FlexBuffer.GetRoot(bytes)));

    [Fact]
    public void RejectsTruncatedOrBadRoots()
    {
        Assert.Throws<InvalidModelException>(() => FlexBuffer.GetRoot(Array.Empty<byte>()));
        Assert.Throws<InvalidModelException>(() => FlexBuffer.GetRoot(new byte[] { 0x01, 0x04 }));
        Assert.Contains("width 3", Assert.Throws<InvalidModelException>(() => FlexBuffer.GetRoot(new byte[] { 0x01, 0x04, 0x03 })).Message);
        Assert.Throws<InvalidModelException>(() => FlexBuffer.GetRoot(new byte[] { 0x01, 0x04, 0x08 }));
        Assert.Contains("unknown type", Assert.Throws<InvalidModelException>(() => FlexBuffer.GetRoot(new byte[] { 0x01, 0x6C, 0x01 })).Message);
    }

    [Fact]
    public void RejectsOffsetsOutsideTheBuffer()
    {
        // The string offset points before the start.
        Bad(new byte[] { 0x03, 0x61, 0x00, 0x09, 0x14, 0x01 }, r => r.AsString());
        // The string length runs past the end.
        Bad(new byte[] { 0x40, 0x61, 0x62, 0x63, 0x00, 0x04, 0x14, 0x01 }, r => r.AsString());
        // The length field of a vector lies before the buffer start.
        Bad(new byte[] { 0x01, 0x02, 0x02, 0x2C, 0x01 }, r => r.AsVector());
        // A typed vector claims more elements than there are bytes.
        Bad(new byte[] { 0x7F, 0x01, 0x02, 0x03, 0x2C, 0x01 }, r => r.AsVector());
        // An untyped vector whose type bytes would run past the end.
        Bad(new byte[] { 0x05, 0x07, 0x01, 0xC8, 0x03, 0x28, 0x01 }, r => r.AsVector());
        // A key without its terminating zero.
        Bad(new byte[] { 0x6B, 0x79, 0x02, 0x10, 0x01 }, r => r.AsKey());
        // A huge 8-byte offset.
        Bad(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x2B, 0x08 }, r => r.AsVector());
    }

    [Fact]
    public void RejectsMalformedMaps()
    {
        // Key count 2 while the map has 1 value.
        byte[] countMismatch = (byte[])s_windowShift12.Clone();
        countMismatch[6] = 0x02;
        Assert.Contains("keys", Bad(countMismatch, r => r.AsMap()).Message);

        // Key width 3.
        byte[] badKeyWidth = (byte[])s_windowShift12.Clone();
        badKeyWidth[9] = 0x03;
        Bad(badKeyWidth, r => r.AsMap());

        // Key offset pointing past the key text's terminator search range.
        byte[] badKey = (byte[])s_windowShift12.Clone();
        badKey[7] = 0x40;
        Bad(badKey, r => r.AsMap()["shift"]);

        // A missing key names the keys that exist.
        InvalidModelException missing = Bad(s_windowShift12, r => r.AsMap()["fft_length"]);
        Assert.Contains("fft_length", missing.Message);
        Assert.Contains("shift", missing.Message);
    }

    [Fact]
    public void RejectsWrongTypesAndIndices()
    {
        FlexBufferReference root = FlexBuffer.GetRoot(s_windowShift12);
        Assert.Throws<InvalidModelException>(() => root.AsInt32());
        Assert.Throws<InvalidModelException>(() => root.AsString());
        Assert.Throws<InvalidModelException>(() => root.AsBlob());
        Assert.Throws<InvalidModelException>(() => root.AsMap().Values[1]);
        Assert.Throws<InvalidModelException>(() => root.AsMap().Values[-1]);
        Assert.Throws<InvalidModelException>(() => FlexBuffer.GetRoot(new byte[] { 0x2A, 0x04, 0x01 }).AsVector());
        Assert.Throws<InvalidModelException>(() => FlexBuffer.GetRoot(new byte[] { 0x2A, 0x04, 0x01 }).AsMap());
        // A 1-byte float.
        Assert.Throws<InvalidModelException>(() => FlexBuffer.GetRoot(new byte[] { 0x2A, 0x0C, 0x01 }).AsSingle());
        // An int64 that does not fit an int32.
        Assert.Throws<InvalidModelException>(() => FlexBuffer.GetRoot(new byte[] { 0, 0, 0, 0, 1, 0, 0, 0, 0x07, 0x08 }).AsInt32());
        // A negative number read as unsigned.
        Assert.Throws<InvalidModelException>(() => FlexBuffer.GetRoot(new byte[] { 0xFF, 0x04, 0x01 }).AsUInt64());
    }
}
