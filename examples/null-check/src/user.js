/** The city of a user's address, or undefined when the user has no address on file. */
function cityOf(user) {
  return user.address.city;
}

function displayName(user) {
  return `${user.first} ${user.last}`.trim();
}

module.exports = { cityOf, displayName };
