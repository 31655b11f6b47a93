namespace TfLiteMicro.Modeling.Tests;

/// <summary>The seed-1 sine models, trained once for all tests (training takes about a second).</summary>
internal static class TrainedSine
{
    private static readonly Lazy<SineModelSet> s_models = new(() => SineModels.Create(seed: 1));

    public static SineModelSet Models => s_models.Value;
}
