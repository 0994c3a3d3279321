package io.projectindex.hub.cli;

import io.projectindex.hub.server.HubServer;
import io.projectindex.hub.server.config.ConfigException;
import io.projectindex.hub.server.config.ConfigLoader;
import io.projectindex.hub.server.config.HubConfig;
import io.projectindex.hub.server.config.Setting;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code serve}: runs the hub until SIGTERM/SIGINT, then shuts down gracefully. Its options are
 * generated from the settings registry, so every setting has a flag and {@code --help} lists
 * each with its environment variable and default.
 */
final class ServeCommand {
    private ServeCommand() {
    }

    static CommandLine create() {
        CommandLine[] self = new CommandLine[1];
        CommandSpec spec = CommandSpec.wrapWithoutInspection(
                (java.util.concurrent.Callable<Integer>) () -> run(self[0].getParseResult())).name("serve");
        spec.usageMessage().description("Run the hub. Every option can also be set by its environment variable"
                        + " or in the --config file; precedence: flag > environment > file > default.")
                .sortOptions(false);
        for (Setting<?> s : HubConfig.SETTINGS) {
            String def = s.defaultText() == null ? "unset" : s.defaultText();
            OptionSpec.Builder b = OptionSpec.builder(s.flag())
                    .description(s.description() + " [env " + s.env() + "; default " + def + "]")
                    .type(String.class)
                    .paramLabel(s.secret() ? "<secret>" : "<value>");
            if ("true".equals(s.defaultText()) || "false".equals(s.defaultText())) {
                b.arity("0..1").fallbackValue("true");
            }
            spec.addOption(b.build());
        }
        spec.mixinStandardHelpOptions(true);
        CommandLine cmd = new CommandLine(spec);
        self[0] = cmd;
        return cmd;
    }

    private static int run(ParseResult parsed) {
        ParseResult serve = parsed;
        Map<String, String> flags = new HashMap<>();
        for (Setting<?> s : HubConfig.SETTINGS) {
            OptionSpec o = serve.matchedOption(s.flag());
            if (o != null) {
                flags.put(s.env(), o.getValue());
            }
        }
        HubConfig config;
        try {
            config = ConfigLoader.load(flags, System.getenv());
        } catch (ConfigException e) {
            System.err.println("hub: " + e.getMessage());
            return 2;
        }
        HubServer server;
        try {
            server = HubServer.start(config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            System.err.println("hub: cannot start: " + cause.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop().toCompletionStage().toCompletableFuture()
                        .get(config.server().shutdownGrace().toMillis() * 2 + 5000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                System.err.println("hub: shutdown did not finish cleanly: " + e);
            } finally {
                stopped.countDown();
            }
        }, "hub-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
