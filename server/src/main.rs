use std::process::ExitCode;

use server::{config::Config, shutdown, telemetry};

#[tokio::main]
async fn main() -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("configuration error: {error}");
            return ExitCode::FAILURE;
        }
    };
    telemetry::init(config.log_format);

    let server = match server::start(config).await {
        Ok(server) => server,
        Err(error) => {
            tracing::error!(%error, "cannot start the server");
            return ExitCode::FAILURE;
        }
    };
    shutdown::signal().await;
    tracing::info!("shutting down");
    match server.stop().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "server stopped with an error");
            ExitCode::FAILURE
        }
    }
}
