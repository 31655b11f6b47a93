namespace TfLiteMicro.Benchmarks.Peers;

/// <summary>Moving tensor bytes between our interpreter and a peer, with the uint8 shift where a peer's activations are uint8.</summary>
internal static class PeerTensors
{
    /// <summary>Copies our input <paramref name="index"/> into a peer's; int8 becomes uint8 by adding 128 (flipping the top bit).</summary>
    public static void CopyInput(InterpreterRun ours, int index, Span<byte> peer, TensorType peerType)
    {
        ReadOnlySpan<byte> bytes = ours.InputBytes(index);
        if (bytes.Length != peer.Length)
            throw new InvalidOperationException($"input {index}: {bytes.Length} bytes here, {peer.Length} in the peer");
        bytes.CopyTo(peer);
        if (peerType == TensorType.UInt8 && ours.Interpreter.Input(index).Type == TensorType.Int8) FlipSign(peer);
    }

    /// <summary>A peer's output in our terms: where ours is int8 and the peer's uint8, back to int8 by subtracting 128.</summary>
    public static TensorValues ToOurs(TensorType peerType, TensorType ourType, ReadOnlySpan<byte> peer)
    {
        byte[] bytes = peer.ToArray();
        if (peerType != TensorType.UInt8 || ourType != TensorType.Int8) return new TensorValues(peerType, bytes);
        FlipSign(bytes);
        return new TensorValues(TensorType.Int8, bytes);
    }

    private static void FlipSign(Span<byte> bytes)
    {
        foreach (ref byte b in bytes) b ^= 0x80;
    }
}
