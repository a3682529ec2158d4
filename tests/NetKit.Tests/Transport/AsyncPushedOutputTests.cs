using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>Every <see cref="PushedOutputTests"/> test on the async model.</summary>
public sealed class AsyncPushedOutputTests : PushedOutputTests
{
    protected override ConnectionModel Model => ConnectionModel.Async;
}
