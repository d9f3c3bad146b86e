//! Direct messages sent over the socket the page holds (no request of their own), and the
//! answers they wait for: each carries an id the server's answer repeats.

use std::sync::{Mutex, PoisonError};

use pianorhythm_core::protocol::{
    client_message::Kind as Request, DirectMessageAnswer, SendDirectMessage,
};

use super::Live;

/// Told whether a message was sent, or why not in words.
pub type Answered = Box<dyn FnOnce(Result<(), String>) + Send>;

/// Shared by every copy of the page's [`Live`].
pub type SharedAnswers = std::sync::Arc<Mutex<AwaitedAnswers>>;

/// Messages sent and not yet answered.
#[derive(Default)]
pub struct AwaitedAnswers {
    /// The id of the last message sent.
    last_id: u32,
    /// Each message's id, and who waits for its answer.
    waiting: Vec<(u32, Answered)>,
}

impl Live {
    /// Sends a direct message to the member `usertag`; `answered` is told the server's answer.
    pub fn send_direct_message(&self, usertag: String, text: String, answered: Answered) {
        let request_id = self.with_answers(|answers| {
            answers.last_id = answers.last_id.wrapping_add(1);
            answers.waiting.push((answers.last_id, answered));
            answers.last_id
        });
        self.send(Request::SendMessage(SendDirectMessage {
            usertag,
            text,
            request_id,
        }));
    }

    /// The server answered a message this page sent.
    pub fn message_answered(&self, answer: DirectMessageAnswer) {
        let answered = self.with_answers(|answers| {
            let position = answers
                .waiting
                .iter()
                .position(|(id, _)| *id == answer.request_id)?;
            Some(answers.waiting.remove(position).1)
        });
        if let Some(answered) = answered {
            answered(match answer.message_id.is_empty() {
                true => Err(answer.error),
                false => Ok(()),
            });
        }
    }

    /// The connection dropped: the messages still waiting will not be answered.
    pub fn answers_lost(&self) {
        let lost = self.with_answers(|answers| std::mem::take(&mut answers.waiting));
        for (_, answered) in lost {
            answered(Err(
                "the connection dropped: see whether the conversation shows it before sending again"
                    .into(),
            ));
        }
    }

    fn with_answers<T>(&self, change: impl FnOnce(&mut AwaitedAnswers) -> T) -> T {
        let mut answers = self.answers.lock().unwrap_or_else(PoisonError::into_inner);
        change(&mut answers)
    }
}
