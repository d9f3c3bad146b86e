//! The chat's commands, run by the page: `/help`, `/nick`, `/mute`, `/clear`, `/block`, `/msg`,
//! and `/me`, the one that is sent to the room. Their code comes with the room's occasional tools
//! (`sheets::module`), fetched the first time a player types a command; the answers are lines
//! for this player alone.

use leptos::{
    prelude::{GetUntracked, Set},
    task::spawn_local,
};
use pianorhythm_api::social::BlockForm;
use pianorhythm_core::{
    chat_command::{parse, player_named, Command, HELP},
    validation::{self, Invalid},
};

use crate::{account::send_direct_message, live::Live, server_fns_social::block_player};

/// Runs what the player typed; what went wrong is told in the chat, to them alone.
pub fn run(live: &Live, text: String) {
    if let Err(why) = run_typed(live, &text) {
        live.say(why.0);
    }
}

fn run_typed(live: &Live, text: &str) -> Result<(), Invalid> {
    let Some(command) = parse(text) else {
        live.chat(text.to_owned());
        return Ok(());
    };
    match command? {
        Command::Help => {
            live.say("Commands:".into());
            for (typed, does) in HELP {
                live.say(format!("{typed} — {does}"));
            }
        }
        Command::Me(_) => live.chat(text.to_owned()),
        Command::Nick(name) => {
            let name = validation::player_name(name)
                .map_err(|why| Invalid(format!("Your name cannot change: {why}")))?;
            live.set_profile(Some(name), None);
        }
        Command::Mute(mute) => {
            if !live.may_moderate() {
                return Err(Invalid("Only the room's owner and staff can mute".into()));
            }
            let players = live.players.get_untracked();
            let (index, seconds) = mute.resolve(players.iter().map(|p| p.name.as_str()))?;
            let player = &players[index];
            live.silence(player.id.clone(), seconds);
            live.say(format!(
                "{} is muted here for {} minutes",
                player.name,
                seconds / 60
            ));
        }
        Command::Clear => live.chat.set(Vec::new()),
        Command::Block(name) => {
            let players = live.players.get_untracked();
            let index = player_named(players.iter().map(|p| p.name.as_str()), name, "block")?;
            let player = players[index].clone();
            if live.me.get_untracked().is_some_and(|me| me.id == player.id) {
                return Err(Invalid("You cannot block yourself".into()));
            }
            let live = live.clone();
            spawn_local(async move {
                let form = BlockForm {
                    player_id: player.id,
                    name: player.name.clone(),
                };
                live.say(match block_player(form).await {
                    Ok(_) => format!(
                        "You blocked {}: you no longer hear or read them (Settings lists whom you block)",
                        player.name
                    ),
                    Err(error) => format!("{} is not blocked: {error}", player.name),
                });
            });
        }
        Command::Msg { usertag, text } => {
            let (said, to) = (live.clone(), usertag.to_owned());
            let answered = move |answer: Result<(), String>| {
                said.say(match answer {
                    Ok(()) => format!("Message sent to @{to}"),
                    Err(error) => format!("Not sent to @{to}: {error}"),
                });
            };
            let (usertag, text) = (usertag.to_owned(), text.to_owned());
            send_direct_message(live, usertag, text, Box::new(answered));
        }
    }
    Ok(())
}
